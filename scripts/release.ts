// `npm run release`: turns the standalone binaries in dist/bin/ (from `npm run build:bin`) into the
// assets of a release, offline, in dist/release/: one archive per platform named as the Go original
// names its own, checksums.txt, a Homebrew cask, a Scoop manifest, the npm package's tarball and one
// npm package per platform carrying its binaries (scripts/release-npm-platform.ts).
// Everything is written to a temporary directory beside the output and renamed into place at the end,
// so a failure leaves the previous dist/release/ (or none) rather than half a release. Each step
// prints one line to stderr with what it wrote, its size and its time: compressing the binaries takes
// a minute or two, and a silent minute looks like a hang.
//
//   node --import tsx scripts/release.ts [--bin DIR] [--out DIR] [--package DIR]
//
// --package is the npm package (default: this repository): its package.json gives the version and
// license, its LICENSE/README.md/CHANGELOG.md go into each archive, and it is what `npm pack` packs.
// KUBE_CREDENTIAL_CACHE_RELEASE_URL overrides where the manifests say the assets are downloaded from
// (`<url>/download/v<version>/<asset>`); SOURCE_DATE_EPOCH overrides the archives' timestamps.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkArchiveTools, sha256File, writeArchive } from "./release-archive.js";
import {
  PLACEHOLDER_REPOSITORY,
  checkVersion,
  checksumsText,
  homebrewCask,
  parseSha256Sums,
  releasesUrl,
  repositoryPage,
  scoopManifest,
  type Asset,
  type ReleaseInfo,
} from "./release-manifests.js";
import {
  npmPlatformTargets,
  packPlatformPackage,
  pinPlatformPackages,
  platformBinarySha256,
  platformOptionalDependencies,
} from "./release-npm-platform.js";
import { packNpmPackage } from "./release-npm-pack.js";
import { DOCUMENTS, MAN_PAGES, TARGETS, archiveName, builtBinaryName } from "./release-targets.js";

// Zip stores DOS times, which start in 1980: the fallback when neither the variable nor git has a date.
const FALLBACK_EPOCH = 315619200; // 1980-01-02T00:00:00Z

interface Options {
  readonly bin: string;
  readonly out: string;
  readonly packageDir: string;
}

export async function release(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<{ out: string; files: string[] }> {
  const done = stepClock(log);
  const options = readOptions(argv);
  const info = readReleaseInfo(options.packageDir, env);
  const { paths: binaries, sha256 } = verifyBinaries(options.bin);
  done(`checked ${binaries.size} binaries against ${join(options.bin, "SHA256SUMS")}`);
  for (const name of [...DOCUMENTS, ...MAN_PAGES.map((page) => join("dist", "man", page))]) {
    if (!existsSync(join(options.packageDir, name)))
      throw new Error(`${options.packageDir} has no ${name} (npm run build writes dist/)`);
  }
  checkArchiveTools();
  const mtime = sourceDateEpoch(env, options.packageDir);

  mkdirSync(dirname(options.out), { recursive: true });
  const staging = mkdtempSync(join(dirname(options.out), `.${basename(options.out)}-`));
  chmodSync(staging, 0o755); // mkdtemp's 0700 would hide the release from other users
  try {
    const assets: Asset[] = [];
    const wrote = (name: string): void => {
      done(`wrote ${name}, ${megabytes(statSync(join(staging, name)).size)}`);
    };
    for (const target of TARGETS) {
      const name = archiveName(target);
      const binary = binaries.get(builtBinaryName(target)) ?? "";
      await writeArchive(target, binary, options.packageDir, mtime, join(staging, name));
      assets.push({ name, sha256: await sha256File(join(staging, name)) });
      wrote(name);
    }
    // The download script rides along, so that `<releases>/latest/download/install.sh` is the script
    // of the newest release rather than of whatever the main branch holds.
    const installScript = join(options.packageDir, "install.sh");
    if (existsSync(installScript)) {
      copyFileSync(installScript, join(staging, "install.sh"));
      chmodSync(join(staging, "install.sh"), 0o755);
    }
    writeFileSync(join(staging, "checksums.txt"), checksumsText(assets));
    writeFileSync(join(staging, "kube-credential-cache.rb"), homebrewCask(info, assets));
    writeFileSync(join(staging, "kube-credential-cache.json"), scoopManifest(info, assets));
    done("wrote checksums.txt, kube-credential-cache.rb, kube-credential-cache.json");
    const mainTarball = packNpmPackage(
      { packageDir: options.packageDir, excluded: [options.bin, options.out, staging] },
      staging,
    );
    pinPlatformPackages(join(staging, mainTarball), {
      dependencies: platformOptionalDependencies(info.version),
      sha256: platformBinarySha256(sha256),
    });
    wrote(mainTarball);
    for (const { name, target } of npmPlatformTargets()) {
      wrote(packPlatformPackage(name, target, binaries, options.packageDir, info, staging));
    }
    replaceDirectory(staging, options.out);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { out: options.out, files: readdirSync(options.out).sort() };
}

function readOptions(argv: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { bin: { type: "string" }, out: { type: "string" }, package: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)} (usage: release [--bin DIR] [--out DIR] [--package DIR])`,
    );
  }
  const packageDir = resolve(values.package ?? join(__dirname, ".."));
  return {
    packageDir,
    bin: resolve(values.bin ?? join(packageDir, "dist", "bin")),
    out: resolve(values.out ?? join(packageDir, "dist", "release")),
  };
}

function readReleaseInfo(packageDir: string, env: NodeJS.ProcessEnv): ReleaseInfo {
  let manifest: { version?: unknown; license?: unknown; repository?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as typeof manifest;
  } catch (error) {
    throw new Error(
      `cannot read ${join(packageDir, "package.json")}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const homepage = repositoryPage(manifest.repository) ?? PLACEHOLDER_REPOSITORY;
  return {
    version: checkVersion(manifest.version),
    homepage,
    releasesUrl: releasesUrl(env["KUBE_CREDENTIAL_CACHE_RELEASE_URL"], homepage),
    license: typeof manifest.license === "string" ? manifest.license : "MIT",
  };
}

/**
 * Every binary the build promises, checked against its SHA256SUMS so a stale or torn build is caught:
 * the paths and the digests, by the build's file names.
 */
function verifyBinaries(bin: string): { paths: Map<string, string>; sha256: Map<string, string> } {
  const sumsFile = join(bin, "SHA256SUMS");
  if (!existsSync(sumsFile)) throw new Error(`no ${sumsFile}: run \`npm run build:bin\` first`);
  const sums = parseSha256Sums(readFileSync(sumsFile, "utf8"));
  const files = new Map<string, string>();
  const digests = new Map<string, string>();
  for (const target of TARGETS) {
    const name = builtBinaryName(target);
    const path = join(bin, name);
    if (!existsSync(path)) throw new Error(`no ${path}: run \`npm run build:bin\` first`);
    const expected = sums.get(name);
    if (expected === undefined) throw new Error(`${sumsFile} does not list ${name}`);
    if (sha256Sync(path) !== expected)
      throw new Error(`${path} does not match its sha256 in ${sumsFile}: rebuild it`);
    files.set(name, path);
    digests.set(name, expected);
  }
  return { paths: files, sha256: digests };
}

function sha256Sync(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Reports each finished step as one line, `release: <what> (<seconds> s)`, timed from the previous
 * report.
 */
function stepClock(log: (line: string) => void): (what: string) => void {
  let last = performance.now();
  return (what) => {
    const now = performance.now();
    log(`release: ${what} (${((now - last) / 1000).toFixed(1)} s)`);
    last = now;
  };
}

/** Decimal megabytes, as the release page and `ls -h --si` show sizes. */
function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** SOURCE_DATE_EPOCH when set, else the last commit's time, so rebuilding a tag gives the same bytes. */
function sourceDateEpoch(env: NodeJS.ProcessEnv, packageDir: string): number {
  const fromEnvironment = env["SOURCE_DATE_EPOCH"];
  if (fromEnvironment !== undefined && fromEnvironment !== "") {
    if (!/^\d+$/.test(fromEnvironment))
      throw new Error(`SOURCE_DATE_EPOCH ${JSON.stringify(fromEnvironment)} is not a number of seconds`);
    return Math.max(Number(fromEnvironment), FALLBACK_EPOCH);
  }
  const git = spawnSync("git", ["-C", packageDir, "log", "-1", "--format=%ct"], { encoding: "utf8" });
  const committed = Number(git.stdout?.trim());
  return git.status === 0 && Number.isInteger(committed) && committed > FALLBACK_EPOCH
    ? committed
    : FALLBACK_EPOCH;
}

/** Puts the finished release in place of the old one in two renames. */
function replaceDirectory(finished: string, out: string): void {
  if (!existsSync(out)) {
    renameSync(finished, out);
    return;
  }
  const old = `${finished}.old`;
  renameSync(out, old);
  renameSync(finished, out);
  rmSync(old, { recursive: true, force: true });
}

if (require.main === module) {
  release(process.argv.slice(2), process.env).then(
    ({ out, files }) => {
      console.log(`release: wrote ${out}: ${files.join(", ")}`);
    },
    (error: unknown) => {
      console.error(`release: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
