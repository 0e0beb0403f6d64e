// npm's postinstall: on Linux and macOS, puts the platform's standalone binary (from the optional
// package @kube-credential-cache/<os>-<arch>) in place of the Node launchers in bin/, so that a cache
// hit costs the binary's start instead of Node's (docs/startup.md has the measurements).
//
// Only a binary whose SHA-256 is the one the release recorded in this package's package.json
// (`platformBinarySha256`, written by scripts/release.ts) is linked, and it is checked before it is
// ever run: whoever controls the platform package's name on the registry must not be able to choose
// what lands on every user's PATH (docs/startup.md, "Decision").
//
// It never fails the install: whatever goes wrong, the launcher stays and runs the Node build, which
// works everywhere. Each launcher is replaced in one rename, so an interrupted install leaves either the
// launcher or the binary, both working.
"use strict";
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const {
  chmodSync,
  closeSync,
  copyFileSync,
  linkSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
} = require("node:fs");
const { dirname, join, sep } = require("node:path");

const COMMANDS = ["kcc-cache", "kcc-injector"];
const OS = { linux: "linux", darwin: "darwin" };
const ARCH = { x64: "x64", arm64: "arm64" };

function main() {
  // A clone of the repository runs this on `npm ci` too; only an installed copy is ours to change.
  if (!__dirname.split(sep).includes("node_modules")) return;
  // npm's Windows shims run bin files through node, so an .exe there would break them (Scoop has it).
  const os = OS[process.platform];
  const arch = ARCH[process.arch];
  if (os === undefined || arch === undefined) return;
  const platformPackage = `@kube-credential-cache/${os}-${arch}`;
  let platformDir;
  try {
    platformDir = dirname(require.resolve(`${platformPackage}/package.json`, { paths: [__dirname] }));
  } catch {
    return; // --omit=optional, --no-optional, an offline install, or a package manager that skipped it
  }
  const { version, platformBinarySha256 } = require("./package.json");
  for (const command of COMMANDS) {
    try {
      const sha256 = platformBinarySha256?.[platformPackage]?.[command];
      if (typeof sha256 !== "string")
        throw new Error(`this release records no sha256 for ${platformPackage}'s ${command}`);
      replaceLauncher(command, join(platformDir, "bin", command), version, sha256);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      process.stderr.write(`kube-credential-cache: ${command} stays on Node: ${reason}\n`);
    }
  }
}

/**
 * Hard-links (or copies) the binary beside the launcher, checks its digest and then that it runs, and
 * renames it over the launcher. The digest is taken of the file that would be renamed, not of the one
 * it came from.
 */
function replaceLauncher(command, binary, version, sha256) {
  const launcher = join(__dirname, "bin", command);
  const temporary = join(__dirname, "bin", `.${command}.${process.pid}.tmp`);
  rmSync(temporary, { force: true });
  try {
    try {
      linkSync(binary, temporary);
    } catch {
      copyFileSync(binary, temporary); // another file system, or links not allowed
    }
    if (sha256File(temporary) !== sha256) {
      throw new Error(`${binary} is not the binary this release recorded (its sha256 differs)`);
    }
    chmodSync(temporary, 0o755);
    // A binary that does not start here (e.g. a glibc build on musl) or is not this release must not
    // replace a launcher that works.
    const printed = execFileSync(temporary, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 30_000,
    }).trim();
    if (printed !== `${command} ${version}`) {
      throw new Error(`${binary} says ${JSON.stringify(printed.slice(0, 80))}, expected version ${version}`);
    }
    renameSync(temporary, launcher);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The file's SHA-256, read in chunks: a binary is about 100 MB. */
function sha256File(file) {
  const hash = createHash("sha256");
  const chunk = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, "r");
  try {
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      hash.update(chunk.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

main();
