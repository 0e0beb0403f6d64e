// The install script: on Linux and macOS, puts the platform's standalone binary (from the optional
// package @kube-credential-cache/<os>-<arch>) in place of both Node launchers in bin/, so that a cache
// hit costs the binary's start instead of Node's (docs/startup.md has the measurements). The binary is
// both commands: it runs as the one whose name it is started under.
//
// Only a binary whose SHA-256 is the one the release recorded in this package's package.json
// (`platformBinarySha256`, written by scripts/release.ts) is linked, and it is checked before it is
// ever run: whoever controls the platform package's name on the registry must not be able to choose
// what lands on every user's PATH (docs/startup.md, "Decision").
//
// It never fails the install: whatever goes wrong, the launchers stay and run the Node build, which
// works everywhere. Both launchers are replaced only once the binary has passed every check under each
// name, each in one rename, so an interrupted install leaves launchers or binaries, all working.
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
/** Where the binary sits inside its platform package (scripts/release-npm-platform.ts). */
const PACKAGED_BINARY = join("bin", "kube-credential-cache");
const HOW_TO_GET_THE_BINARY =
  "for the standalone binary, install with npm, bun or yarn 1, or from the release archives (README, Install)";

/**
 * Whether the commands may become the binary, from facts the package manager gives every install
 * script: the platform, its user agent (`npm_config_user_agent`), and npm's omit/include settings.
 * Returns the platform package to take the binary from, or why the commands stay on Node (`reason`
 * undefined: nothing worth a line, as on Windows, which has no platform package).
 *
 * The binary may replace a launcher only where the command on PATH reaches the file itself (a
 * symlink): pnpm's bin shims, yarn 2+'s bin runner and every manager's Windows shims run `node <file>`,
 * which an executable in that file breaks (docs/startup.md, "What each package manager links").
 */
function chooseRuntime({ platform, arch, userAgent, omit, include }) {
  const os = OS[platform];
  const cpu = ARCH[arch];
  if (os === undefined || cpu === undefined) return { reason: undefined };
  const [manager = "", version = ""] = (userAgent ?? "").split(" ")[0].split("/");
  const major = Number(version.split(".")[0]);
  const linked = manager === "npm" || manager === "bun" || (manager === "yarn" && major === 1);
  if (!linked) {
    const who =
      manager === "pnpm"
        ? "pnpm's shims run bin files through node"
        : manager === "yarn"
          ? `yarn ${version} runs bin files through node`
          : `${manager === "" ? "an unknown package manager" : manager} may run bin files through node`;
    return { reason: `${who}; ${HOW_TO_GET_THE_BINARY}` };
  }
  // npm installs a global package's optional dependencies whatever --omit says (it omits only the
  // project's own), so the user's wish is honoured here.
  if (settingList(omit).includes("optional") && !settingList(include).includes("optional"))
    return { reason: "--omit=optional asks for no platform package" };
  return { platformPackage: `@kube-credential-cache/${os}-${cpu}` };
}

/** npm's list settings as its scripts see them: one string, values separated by newlines or commas. */
function settingList(value) {
  return (value ?? "").split(/[\s,]+/).filter((item) => item !== "");
}

function main() {
  // A clone of the repository runs this on `npm ci` too; only an installed copy is ours to change.
  if (!__dirname.split(sep).includes("node_modules")) return;
  const choice = chooseRuntime({
    platform: process.platform,
    arch: process.arch,
    userAgent: process.env.npm_config_user_agent,
    omit: process.env.npm_config_omit,
    include: process.env.npm_config_include,
  });
  if (choice.platformPackage === undefined) {
    if (choice.reason !== undefined) stayOnNode(choice.reason);
    return;
  }
  let platformDir;
  try {
    platformDir = dirname(require.resolve(`${choice.platformPackage}/package.json`, { paths: [__dirname] }));
  } catch {
    return; // an offline install, musl, or a package manager that skipped the optional package
  }
  try {
    const { version, platformBinarySha256 } = require("./package.json");
    const sha256 = platformBinarySha256?.[choice.platformPackage];
    if (typeof sha256 !== "string")
      throw new Error(`this release records no sha256 for ${choice.platformPackage}`);
    replaceLaunchers(join(platformDir, PACKAGED_BINARY), version, sha256);
  } catch (error) {
    stayOnNode(error instanceof Error ? error.message.split("\n")[0] : String(error));
  }
}

function stayOnNode(reason) {
  process.stderr.write(`kube-credential-cache: ${COMMANDS.join(" and ")} stay on Node: ${reason}\n`);
}

/**
 * Hard-links (or copies) the binary beside each launcher, checks its digest and then that it runs as
 * each command, and only then renames it over both. The digest is taken of each file that would be
 * renamed, not of the one it came from.
 */
function replaceLaunchers(binary, version, sha256) {
  const bin = join(__dirname, "bin");
  const staged = COMMANDS.map((command) => ({
    command,
    launcher: join(bin, command),
    temporary: join(bin, `.${command}.${process.pid}.tmp`),
  }));
  try {
    let source = binary;
    for (const { temporary } of staged) {
      rmSync(temporary, { force: true });
      try {
        linkSync(source, temporary);
      } catch {
        copyFileSync(source, temporary); // another file system, or links not allowed
      }
      if (sha256File(temporary) !== sha256) {
        throw new Error(`${binary} is not the binary this release recorded (its sha256 differs)`);
      }
      chmodSync(temporary, 0o755);
      source = temporary; // the second name is the same checked file
    }
    for (const { command, launcher, temporary } of staged) {
      // A binary that does not start here (e.g. a glibc build on musl) or is not this release must not
      // replace a launcher that works. It is started under the launcher's name, which picks the command.
      const printed = execFileSync(temporary, ["--version"], {
        argv0: launcher,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 30_000,
      }).trim();
      // The first line is `<command> <version>`, then maybe ` (<runtime>, commit <commit>)`.
      const [named, rest = ""] = printed.split("\n")[0].split(/(?= \()/);
      if (named !== `${command} ${version}` || !/^( \(.*\))?$/.test(rest)) {
        throw new Error(
          `${binary} says ${JSON.stringify(printed.slice(0, 80))} as ${command}, expected version ${version}`,
        );
      }
    }
    for (const { launcher, temporary } of staged) renameSync(temporary, launcher);
  } finally {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
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

if (require.main === module) main();
module.exports = { chooseRuntime };
