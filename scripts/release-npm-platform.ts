// The per-platform npm packages: @kube-credential-cache/<os>-<arch>, each carrying that platform's one
// binary (both commands, picked by the name it is started under), listed as optional dependencies of
// the main package so that npm installs only the one that matches the machine (its `os`/`cpu` fields;
// yarn 1 still downloads them all). The main package's postinstall then puts the binary in place of
// both Node launchers; docs/startup.md says why and what happens when anything is missing.
//
// The optional dependencies are added to the main package only in the release's tarball, not in the
// repository's package.json: `npm ci` refuses a lock file that cannot name the platform packages, and
// before a release is published it cannot. With them goes each platform binary's SHA-256, which the
// main package's postinstall checks before it links the binary: the platform package's name on the
// registry must not decide what lands on users' PATH (docs/startup.md).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastLine } from "./release-archive.js";
import type { ReleaseInfo } from "./release-manifests.js";
import {
  TARGETS,
  builtBinaryName,
  executableName,
  npmPlatformPackage,
  type Target,
} from "./release-targets.js";

const NODE_OS = { linux: "linux", darwin: "darwin", windows: "win32" } as const;

/** The targets that get an npm package, with its name. */
export function npmPlatformTargets(): { target: Target; name: string }[] {
  return TARGETS.flatMap((target) => {
    const name = npmPlatformPackage(target);
    return name === undefined ? [] : [{ target, name }];
  });
}

/** The main package's `optionalDependencies`: every platform package at exactly this release's version. */
export function platformOptionalDependencies(version: string): Record<string, string> {
  return Object.fromEntries(npmPlatformTargets().map(({ name }) => [name, version]));
}

/** The main package.json field naming each platform package's binary's SHA-256 (read by postinstall.cjs). */
const PLATFORM_SHA256_FIELD = "platformBinarySha256";

/** Each platform package's binary's SHA-256, by package, from the build's digests by file name. */
export function platformBinarySha256(digests: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(
    npmPlatformTargets().map(({ target, name }) => {
      const digest = digests.get(builtBinaryName(target));
      if (digest === undefined) throw new Error(`no sha256 of ${builtBinaryName(target)}`);
      return [name, digest];
    }),
  );
}

/** package.json of one platform package. */
export function platformPackageManifest(name: string, target: Target, release: ReleaseInfo): string {
  const manifest = {
    name,
    version: release.version,
    description: `The ${target.os}-${target.arch} binary of kube-credential-cache (install kube-credential-cache, not this)`,
    license: release.license,
    homepage: release.homepage,
    repository: { type: "git", url: `git+${release.homepage}.git` },
    os: [NODE_OS[target.os]],
    cpu: [target.arch],
    // The Linux binaries link against glibc; npm skips the package on musl (Alpine), where the main
    // package's Node build runs instead.
    ...(target.os === "linux" ? { libc: ["glibc"] } : {}),
    files: ["bin/"],
    preferUnplugged: true,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Writes and packs one platform package into `destination`; returns the tarball's file name. */
export function packPlatformPackage(
  name: string,
  target: Target,
  binaries: ReadonlyMap<string, string>,
  packageDir: string,
  release: ReleaseInfo,
  destination: string,
): string {
  const staging = mkdtempSync(join(tmpdir(), "kcc-platform-package-"));
  try {
    const pkg = join(staging, "package");
    mkdirSync(join(pkg, "bin"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), platformPackageManifest(name, target, release));
    writeFileSync(
      join(pkg, "README.md"),
      `# ${name}\n\nThe ${target.os}-${target.arch} standalone binary of kube-credential-cache ` +
        "(`kcc-cache` and `kcc-injector` in one file).\nInstall `kube-credential-cache` instead: it uses this package when npm installs it.\n",
    );
    copyFileSync(join(packageDir, "LICENSE"), join(pkg, "LICENSE"));
    const built = binaries.get(builtBinaryName(target));
    if (built === undefined) throw new Error(`no ${builtBinaryName(target)} to pack into ${name}`);
    // postinstall.cjs links both commands to this path.
    const file = join(pkg, "bin", executableName(target));
    copyFileSync(built, file);
    chmodSync(file, 0o755);
    return npmPack(pkg, destination);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** What the release adds to the main package's package.json about the platform packages. */
export interface PlatformPins {
  /** Its optional dependencies: each platform package, at exactly this release's version. */
  readonly dependencies: Record<string, string>;
  /** Each platform package's binary's SHA-256 (platformBinarySha256 above). */
  readonly sha256: Record<string, string>;
}

/**
 * Rewrites a packed main package so that its package.json lists the platform packages and their
 * binary's digest, by unpacking it and packing it again (scripts off: its build already ran when it
 * was first packed).
 */
export function pinPlatformPackages(tarball: string, pins: PlatformPins): void {
  const staging = mkdtempSync(join(tmpdir(), "kcc-main-package-"));
  try {
    const untar = spawnSync("tar", ["-xzf", tarball, "-C", staging], { encoding: "utf8" });
    if (untar.status !== 0) throw new Error(`cannot unpack ${tarball}: ${lastLine(untar.stderr)}`);
    const manifestFile = join(staging, "package", "package.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, unknown>;
    manifest["optionalDependencies"] = {
      ...(manifest["optionalDependencies"] as Record<string, string> | undefined),
      ...pins.dependencies,
    };
    manifest[PLATFORM_SHA256_FIELD] = pins.sha256;
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    const repacked = mkdtempSync(join(staging, "out-"));
    const name = npmPack(join(staging, "package"), repacked);
    copyFileSync(join(repacked, name), tarball);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function npmPack(directory: string, destination: string): string {
  const npm = spawnSync("npm", ["pack", "--ignore-scripts", "--pack-destination", destination], {
    cwd: directory,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (npm.error !== undefined) throw new Error(`npm could not run: ${npm.error.message}`);
  if (npm.status !== 0)
    throw new Error(`npm pack failed (exit ${npm.status ?? "signal"}): ${lastLine(npm.stderr)}`);
  const tarballs = readdirSync(destination).filter((file) => file.endsWith(".tgz"));
  const tarball = lastLine(npm.stdout).trim();
  if (!tarballs.includes(tarball)) throw new Error(`npm pack did not write ${tarball} into ${destination}`);
  return tarball;
}
