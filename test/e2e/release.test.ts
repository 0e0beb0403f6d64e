// `npm run release` end to end: the script runs on stand-in binaries (files with the build's names,
// made here) and a stand-in package in a temp dir, and its output is unpacked with the real tar and
// unzip. The release of the real binaries is test/e2e/release-real-binaries.test.ts (the binary pass).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import {
  COMMANDS,
  DOCUMENTS,
  MAN_PAGES,
  TARGETS,
  archiveFormat,
  archiveLinks,
  archiveName,
  builtBinaryName,
  executableName,
} from "../../scripts/release-targets.js";
import { requireTools, runRelease, sha256, unpack } from "./support/release-run.js";

/** A temp dir with bin/ (five stand-in binaries + SHA256SUMS) and pkg/ (a tiny npm package). */
function standIns(
  t: TestContext,
  packageFiles = ["dist/*.cjs", "CHANGELOG.md"],
): { dir: string; bin: string; pkg: string } {
  const dir = mkdtempSync(join(tmpdir(), "kcc-release-test-"));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const pkg = join(dir, "pkg");
  const bin = join(dir, "bin");
  mkdirSync(join(pkg, "dist"), { recursive: true });
  mkdirSync(bin);
  const sums: string[] = [];
  for (const target of TARGETS) {
    const name = builtBinaryName(target);
    // Modes other than the archive's, so the test sees the release set them.
    writeFileSync(join(bin, name), standInBytes(name), { mode: 0o700 });
    sums.push(`${sha256(standInBytes(name))}  ${name}\n`);
  }
  writeFileSync(join(bin, "SHA256SUMS"), sums.join(""));
  const manifest = { name: "kube-credential-cache", version: "1.2.3", license: "MIT", files: packageFiles };
  writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest));
  for (const name of DOCUMENTS) writeFileSync(join(pkg, name), `${name} of the stand-in\n`, { mode: 0o600 });
  mkdirSync(join(pkg, "dist", "man"));
  for (const name of MAN_PAGES)
    writeFileSync(join(pkg, "dist", "man", name), `${name} of the stand-in\n`, { mode: 0o600 });
  writeFileSync(join(pkg, "dist", "kcc-cache.cjs"), "console.log('stand-in')\n");
  return { dir, bin, pkg };
}

/** A release of stand-ins in `<dir>/out`, or undefined (skipped) without the tools. */
function releaseOfStandIns(t: TestContext): { dir: string; out: string } | undefined {
  if (!requireTools(t)) return undefined;
  const { dir, bin, pkg } = standIns(t);
  const out = join(dir, "out");
  const run = runRelease(["--bin", bin, "--out", out, "--package", pkg]);
  assert.equal(run.status, 0, run.stderr);
  return { dir, out };
}

/** The package.json inside a packed npm package. */
function packedManifest(tarball: string): Record<string, unknown> {
  const tar = spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" });
  return JSON.parse(tar.stdout) as Record<string, unknown>;
}

/** Distinct per file, with bytes no text tool would keep as they are. */
function standInBytes(name: string): Buffer {
  return Buffer.concat([Buffer.from(`\x7fELF stand-in for ${name}\r\n`), Buffer.from([0, 255, 10, 13])]);
}

/** Entries of an archive as `mode owner name` lines (`name -> target` for a link), from the tools' own listings. */
function listing(file: string): string[] {
  if (file.endsWith(".zip")) {
    const out = spawnSync("unzip", ["-Z", file], { encoding: "utf8" }).stdout;
    return out
      .split("\n")
      .filter((line) => /^[-d]r/.test(line))
      .map((line) => line.split(/\s+/))
      .map((fields) => `${fields[0]} - ${fields.at(-1)}`);
  }
  const out = spawnSync("tar", ["-tvzf", file, "--numeric-owner"], { encoding: "utf8" }).stdout;
  return out
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(/\s+/))
    .map((fields) =>
      fields.at(-2) === "->"
        ? `${fields[0]} ${fields[1]} ${fields.at(-3)} -> ${fields.at(-1)}`
        : `${fields[0]} ${fields[1]} ${fields.at(-1)}`,
    );
}

test("each archive holds the one executable (0755), in a tarball a link to it per command, the man pages and LICENSE, README.md, CHANGELOG.md (0644), owned by root", (t) => {
  const released = releaseOfStandIns(t);
  if (released === undefined) return;
  const { dir, out } = released;
  assert.equal(statSync(out).mode & 0o777, 0o755, "the release directory is readable by all");
  for (const target of TARGETS) {
    const archive = join(out, archiveName(target));
    const owner = archiveFormat(target) === "zip" ? "-" : "0/0";
    const executable = executableName(target);
    const links = archiveLinks(target).map((command) => `lrwxrwxrwx ${owner} ${command} -> ${executable}`);
    const documents = DOCUMENTS.map((name) => `-rw-r--r-- ${owner} ${name}`);
    const manPages = MAN_PAGES.map((name) => `-rw-r--r-- ${owner} ${name}`);
    // Sorted by name, byte order: the upper-case documents come first, then each man page after its command.
    const entryName = (line: string): string => line.split(" ")[2] ?? "";
    const entries = [...links, ...manPages, `-rwxr-xr-x ${owner} ${executable}`].sort((a, b) =>
      entryName(a) < entryName(b) ? -1 : 1,
    );
    assert.deepEqual(listing(archive), [...documents, ...entries]);
    const unpacked = join(dir, "unpacked", archiveName(target));
    mkdirSync(join(dir, "unpacked"), { recursive: true });
    unpack(archive, unpacked);
    const bytes = readFileSync(join(unpacked, executable));
    assert.ok(bytes.equals(standInBytes(builtBinaryName(target))), `${archive}: ${executable} content`);
    assert.equal(statSync(join(unpacked, executable)).mode & 0o777, 0o755);
    for (const command of archiveLinks(target))
      assert.equal(readlinkSync(join(unpacked, command)), executable, `${archive}: ${command}`);
    for (const name of [...DOCUMENTS, ...MAN_PAGES])
      assert.equal(readFileSync(join(unpacked, name), "utf8"), `${name} of the stand-in\n`);
  }
  assert.deepEqual(archiveLinks({ os: "linux", arch: "x64" }), COMMANDS);
  assert.deepEqual(archiveLinks({ os: "windows", arch: "x64" }), [], "a zip holds no links");
});

test("checksums.txt lists every archive with its sha256, and the cask and Scoop manifest point at them", (t) => {
  if (!requireTools(t)) return;
  const { dir, bin, pkg } = standIns(t);
  const out = join(dir, "out");
  const run = runRelease(["--bin", bin, "--out", out, "--package", pkg], {
    KUBE_CREDENTIAL_CACHE_RELEASE_URL: "https://downloads.example/kcc/",
  });
  assert.equal(run.status, 0, run.stderr);
  const digest = (name: string): string => sha256(readFileSync(join(out, name)));
  const names = TARGETS.map(archiveName).sort();
  assert.equal(
    readFileSync(join(out, "checksums.txt"), "utf8"),
    names.map((name) => `${digest(name)}  ${name}\n`).join(""),
  );
  const url = (name: string): string => `https://downloads.example/kcc/download/v1.2.3/${name}`;

  const cask = readFileSync(join(out, "kube-credential-cache.rb"), "utf8");
  const blocks = [
    ...cask.matchAll(/^ +(on_intel|on_arm) do\n +url "([^"]+)"\n +sha256 "([0-9a-f]{64})"\n +end$/gm),
  ];
  const darwin = (arch: "x64" | "arm64"): string => archiveName({ os: "darwin", arch });
  assert.deepEqual(
    blocks.map((block) => block.slice(1)),
    [
      ["on_intel", url(darwin("x64")), digest(darwin("x64"))],
      ["on_arm", url(darwin("arm64")), digest(darwin("arm64"))],
    ],
  );
  // Each command a link (Homebrew's `binary` stanza) to the one executable in the archive.
  assert.deepEqual(
    [...cask.matchAll(/^ {2}binary (.+)$/gm)].map((match) => match[1]),
    ['"kube-credential-cache", target: "kcc-cache"', '"kube-credential-cache", target: "kcc-injector"'],
  );
  assert.deepEqual(
    [...cask.matchAll(/"com\.apple\.quarantine", "(.+)"\]$/gm)].map((match) => match[1]),
    ["#{staged_path}/kube-credential-cache"],
  );
  assert.match(cask, /^ {2}version "1\.2\.3"$/m);

  const scoop = JSON.parse(readFileSync(join(out, "kube-credential-cache.json"), "utf8")) as unknown;
  const windows = archiveName({ os: "windows", arch: "x64" });
  assert.deepEqual(scoop, {
    version: "1.2.3",
    architecture: {
      // A shim per command, running the one executable with the command's name as its first argument.
      "64bit": {
        url: url(windows),
        bin: [
          ["kube-credential-cache.exe", "kcc-cache", "kcc-cache"],
          ["kube-credential-cache.exe", "kcc-injector", "kcc-injector"],
        ],
        hash: digest(windows),
      },
    },
    homepage: "https://github.com/kube-credential-cache-ts/kube-credential-cache",
    license: "MIT",
    description: "Caching proxy for Kubernetes exec credential plugins",
  });
});

test("the release holds the npm pack tarball, and a second run gives byte-identical archives", (t) => {
  if (!requireTools(t)) return;
  const { dir, bin, pkg } = standIns(t);
  const runs = ["one", "two"].map((name) => {
    const run = runRelease(["--bin", bin, "--out", join(dir, name), "--package", pkg]);
    assert.equal(run.status, 0, run.stderr);
    return readFileSync(join(dir, name, "checksums.txt"), "utf8");
  });
  assert.equal(runs[0], runs[1]);
  const tarball = join(dir, "one", "kube-credential-cache-1.2.3.tgz");
  const entries = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean)
    .sort();
  assert.deepEqual(entries, [
    "package/CHANGELOG.md",
    "package/LICENSE",
    "package/README.md",
    "package/dist/kcc-cache.cjs",
    "package/package.json",
  ]);
});

test("the release holds one npm package per Linux and macOS target, and the main package depends on each", (t) => {
  const released = releaseOfStandIns(t);
  if (released === undefined) return;
  const { dir, out } = released;
  const readPackageJson = (tarball: string): Record<string, unknown> => packedManifest(join(out, tarball));
  const npmTargets = TARGETS.filter((target) => target.os !== "windows");
  assert.deepEqual(readPackageJson("kube-credential-cache-1.2.3.tgz")["optionalDependencies"], {
    "@kube-credential-cache/linux-x64": "1.2.3",
    "@kube-credential-cache/linux-arm64": "1.2.3",
    "@kube-credential-cache/darwin-x64": "1.2.3",
    "@kube-credential-cache/darwin-arm64": "1.2.3",
  });
  for (const target of npmTargets) {
    const tarball = `kube-credential-cache-${target.os}-${target.arch}-1.2.3.tgz`;
    const manifest = readPackageJson(tarball);
    assert.equal(manifest["name"], `@kube-credential-cache/${target.os}-${target.arch}`);
    assert.equal(manifest["version"], "1.2.3");
    assert.deepEqual(manifest["os"], [target.os]);
    assert.deepEqual(manifest["cpu"], [target.arch]);
    assert.deepEqual(manifest["libc"], target.os === "linux" ? ["glibc"] : undefined);
    assert.equal(manifest["bin"], undefined, "a platform package must not put its own commands on PATH");
    const unpacked = join(dir, tarball);
    unpack(join(out, tarball), unpacked);
    const file = join(unpacked, "package", "bin", executableName(target));
    assert.deepEqual(readFileSync(file), standInBytes(builtBinaryName(target)));
    assert.equal(statSync(file).mode & 0o777, 0o755);
  }
  assert.equal(
    readdirSync(out).filter((name) => name.includes("windows")).length,
    0,
    "no npm package for Windows: npm's shims run bin files through node",
  );
});

test("the main npm package records the sha256 of each platform package's binary, that of the archive", (t) => {
  const released = releaseOfStandIns(t);
  if (released === undefined) return;
  const { dir, out } = released;
  const manifest = packedManifest(join(out, "kube-credential-cache-1.2.3.tgz"));
  const expected: Record<string, string> = {};
  for (const target of TARGETS.filter(({ os }) => os !== "windows")) {
    const archive = join(dir, "unpacked", archiveName(target));
    mkdirSync(join(dir, "unpacked"), { recursive: true });
    unpack(join(out, archiveName(target)), archive);
    const platformPackage = join(dir, "platform", `${target.os}-${target.arch}`);
    mkdirSync(join(dir, "platform"), { recursive: true });
    unpack(join(out, `kube-credential-cache-${target.os}-${target.arch}-1.2.3.tgz`), platformPackage);
    const digest = sha256(readFileSync(join(archive, executableName(target))));
    const packed = join(platformPackage, "package", "bin", executableName(target));
    assert.equal(sha256(readFileSync(packed)), digest);
    expected[`@kube-credential-cache/${target.os}-${target.arch}`] = digest;
  }
  assert.deepEqual(manifest["platformBinarySha256"], expected);
});

/** A progress line: `release: <step> (<seconds> s)`. */
const STEP = /^release: .+ \(\d+\.\d s\)$/;

test("the release prints one line per step to stderr, with each asset's size and each step's time", (t) => {
  if (!requireTools(t)) return;
  const { dir, bin, pkg } = standIns(t);
  const out = join(dir, "out");
  const run = runRelease(["--bin", bin, "--out", out, "--package", pkg]);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stderr.split("\n").filter((line) => line !== "");
  for (const line of lines) assert.match(line, STEP);
  const sizes = new Map(
    lines.flatMap((line) => {
      const wrote = /^release: wrote (\S+), (\d+\.\d) MB /.exec(line);
      return wrote === null ? [] : [[wrote[1] ?? "", wrote[2] ?? ""] as const];
    }),
  );
  const assets = readdirSync(out).filter((name) => /\.(tar\.gz|zip|tgz)$/.test(name));
  assert.deepEqual([...sizes.keys()].sort(), assets.sort(), "a line for every archive and npm package");
  for (const [name, size] of sizes)
    assert.equal(size, (statSync(join(out, name)).size / 1e6).toFixed(1), name);
  assert.match(lines[0] ?? "", /^release: checked 5 binaries against .*SHA256SUMS \(/);
});

test("a failing step prints one line, exits non-zero and leaves the previous release as it was", (t) => {
  if (!requireTools(t)) return;
  const { bin, pkg } = standIns(t, ["dist/", "CHANGELOG.md"]);
  const out = join(pkg, "dist", "release");
  mkdirSync(out);
  writeFileSync(join(out, "previous"), "kept");
  const expectFailure = (args: string[], message: RegExp, env: Record<string, string> = {}): void => {
    const run = runRelease(args, env);
    assert.equal(run.status, 1);
    // The steps that finished, then the failure's one line.
    const lines = run.stderr.split("\n");
    assert.equal(lines.pop(), "");
    const failure = lines.pop() ?? "";
    for (const line of lines) assert.match(line, STEP);
    assert.match(failure, /^release: .+$/);
    assert.doesNotMatch(failure, STEP);
    assert.match(failure, message);
    assert.deepEqual(readdirSync(out), ["previous"]);
    // No staging directory left behind beside the output.
    assert.deepEqual(
      readdirSync(join(pkg, "dist")).filter((name) => name.startsWith(".")),
      [],
    );
  };
  // The binaries inside the package's dist/: `files: ["dist/"]` would publish them to npm.
  const inside = join(pkg, "dist", "bin");
  spawnSync("cp", ["-r", bin, inside]);
  expectFailure(["--bin", inside, "--out", out, "--package", pkg], /npm package would carry dist\//);
  rmSync(inside, { recursive: true });
  expectFailure(["--bin", bin, "--out", out, "--package", pkg], /not a URL/, {
    KUBE_CREDENTIAL_CACHE_RELEASE_URL: "nope",
  });
  expectFailure(["--bin", bin, "--out", out, "--package", pkg, "--extra"], /Unknown option '--extra'/);
  writeFileSync(join(bin, "kube-credential-cache-windows-x64.exe"), "torn");
  expectFailure(
    ["--bin", bin, "--out", out, "--package", pkg],
    /kube-credential-cache-windows-x64\.exe does not match its sha256/,
  );
  rmSync(join(bin, "kube-credential-cache-darwin-arm64"));
  expectFailure(
    ["--bin", bin, "--out", out, "--package", pkg],
    /no .*kube-credential-cache-darwin-arm64: run `npm run build:bin` first/,
  );
});
