// Runs the suite with Node's own test runner. End-to-end tests use the commands as a user gets them,
// found in KCC_TEST_BIN. KCC_TEST_TARGET picks which: `npm` (default) packs the package and installs it
// globally into a private prefix (scripts/test-install.mjs);
// `binary` puts the linux-x64 standalone binaries from dist/bin (built by `npm run build:bin` when
// missing) on a private bin directory as kcc-cache and kcc-injector.
// `node scripts/test.mjs unit` runs only the unit tests (no install); `e2e` only the end-to-end ones
// (on the binary, those of BINARY_E2E);
// `stress` the standing stress suite (test/stress, against the installed commands, and the
// property-based tests in test/property); further arguments name the test files to run.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { installPackage } from "./test-install.mjs";

const TARGETS = ["npm", "binary"];
const target = process.env["KCC_TEST_TARGET"] || "npm";
if (!TARGETS.includes(target)) {
  console.error(`test: KCC_TEST_TARGET must be one of ${TARGETS.join(", ")}, not ${JSON.stringify(target)}`);
  process.exit(2);
}

// Each suite's test directories; `stress` runs the installed commands, as `e2e` does.
/** @type {Record<string, string[]>} */
const DIRECTORIES = { unit: ["unit"], e2e: ["e2e"], stress: ["stress", "property"] };
const [only, ...named] = process.argv.slice(2);
if (only !== undefined && !(only in DIRECTORIES)) {
  console.error(
    `test: the suite must be one of ${Object.keys(DIRECTORIES).join(", ")}, not ${JSON.stringify(only)}`,
  );
  process.exit(2);
}
// The binary pass runs again only what differs on the standalone binary: the same TypeScript runs in
// either, so every other behaviour is tested once, by `npm test`. Each entry says what bun does there
// that Node does not.
const BINARY_E2E = {
  "bytecode-order.test.ts": "the hit profiles build:bin lays every binary's bytecode out by",
  "binary-targets.test.ts":
    "every target's build; the arm64 one, and the libc stand-in in its bun, under qemu",
  "install-channels-binaries.test.ts": "install.sh and the asdf plugin with the real binaries",
  "npm-platform-package.test.ts": "npm's postinstall putting the binary in place of the launchers",
  "release-real-binaries.test.ts": "a release of every target's real binaries, as build:bin made them",
  "kcc-cache-hit-miss.test.ts": "start-up, a miss and a hit, bytes through bun's stdio",
  "kcc-cache-failures.test.ts": "plugin exit codes, signals and spawn errors through bun's child_process",
  "kcc-cache-signals.test.ts": "signals to the command and its plugin",
  "kcc-cache-background-refresh.test.ts": "the detached copy started with Bun.spawn",
  "kcc-cache-key.test.ts": "the key's digest through Bun.SHA256",
  "kcc-cache-key-digest.test.ts":
    "the digest a miss stores with its entry (Bun.SHA256), and the served log a hit names from it",
  "kcc-cache-locks.test.ts": "lock files and process identity through the libc stand-in for node:fs",
  "kcc-cache-clock-skew.test.ts": "locks judged on the file system's clock while libfaketime moves bun's",
  "kcc-cache-rejection.test.ts":
    "the caller's identity read from /proc, against real kubectl's retry and clients that ask again without one",
  "kcc-cache-manage.test.ts":
    "the lazily loaded management parser, kubeconfig reader (yaml) and completion text inside the compiled binary",
  "windows-wine.test.ts":
    "the windows-x64 binary under wine: .cmd and PATHEXT plugins through cmd.exe, Windows cache paths, the refresh lock, kcc-injector on CRLF kubeconfigs",
  "package-managers.test.ts":
    "npm, pnpm, yarn 1 and bun installing the release's packages: which get the binary, both commands working",
  "kcc-cache-bun-environment.test.ts":
    "bun's runtime variables (BUN_OPTIONS, BUN_BE_BUN, BUN_INSPECT) that the binary's runtime would obey",
  "kcc-cache-keyring.test.ts": "libc's socket calls for the D-Bus Secret Service client",
  "kcc-cache-keyring-unavailable.test.ts":
    "the binary, which embeds no addon on Linux, uses the Secret Service whatever the binding's variables say",
  "kcc-cache-real-plugins.test.ts": "real kubectl and aws through the binary",
  "output-closed.test.ts": "a reader gone: EPIPE from libc's write through the libc stand-in",
  "kcc-injector-files.test.ts":
    "kubeconfig paths followed link by link, and procfs recognised, through bun's fs",
  "kcc-injector-kubectl.test.ts": "kcc-injector's binary, then kubectl through the injected file",
};

const suites = only ? [only] : ["unit", "e2e"];
const files =
  named.length > 0
    ? named
    : suites.flatMap((suite) =>
        (DIRECTORIES[suite] ?? []).flatMap((directory) => {
          const listed = listTests(join("test", directory));
          return target === "binary" && suite === "e2e" ? binaryTests(listed) : listed;
        }),
      );

/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env, KCC_TEST_TARGET: target };
let scratch;
if (suites.includes("e2e") || suites.includes("stress")) {
  scratch = mkdtempSync(join(tmpdir(), "kcc-test-prefix-"));
  env["KCC_TEST_BIN"] = target === "binary" ? placeBinaries(scratch) : installPackage(scratch);
  // The binary target's own tests (test/e2e/binary-*.test.ts) check every target's build here.
  if (target === "binary") env["KCC_TEST_BINARIES"] = resolve("dist", "bin");
}

console.log(`test: end-to-end target ${target}`);
// Node runs one test file at a time on 2 cores (its default is one fewer than the cores); most files
// wait on processes they start, so a few more at once finish sooner without crowding the machine.
const concurrency = process.env["KCC_TEST_CONCURRENCY"] || String(Math.max(availableParallelism(), 2));
const testFlags = ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec"];
const result = spawnSync(process.execPath, ["--import", "tsx", ...testFlags, ...files], {
  stdio: "inherit",
  env,
});
if (scratch) rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);

/**
 * Links the one binary under both command names, as an archive from a release unpacks it.
 * @param {string} dir
 * @returns {string}
 */
function placeBinaries(dir) {
  const built = resolve("dist", "bin", "kube-credential-cache-linux-x64");
  if (!existsSync(built)) execFileSync("npm", ["run", "build:bin"], { stdio: "inherit" });
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const command of ["kcc-cache", "kcc-injector"]) symlinkSync(built, join(bin, command));
  return bin;
}

/**
 * The e2e files of BINARY_E2E; a name that matches no file is an error, so that none is dropped unseen.
 * @param {string[]} listed
 * @returns {string[]}
 */
function binaryTests(listed) {
  const chosen = listed.filter((file) => Object.hasOwn(BINARY_E2E, basename(file)));
  const missing = Object.keys(BINARY_E2E).filter((name) => !chosen.some((file) => basename(file) === name));
  if (missing.length > 0) {
    console.error(`test: the binary pass names test files that do not exist: ${missing.join(", ")}`);
    process.exit(2);
  }
  return chosen;
}

/**
 * @param {string} directory
 * @returns {string[]}
 */
function listTests(directory) {
  /** @type {string[]} */
  let names;
  try {
    names = readdirSync(directory, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => join(directory, name));
}
