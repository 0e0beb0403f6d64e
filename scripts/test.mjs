// Runs the suite with Node's own test runner. End-to-end tests use the commands as a user gets them,
// found in KCC_TEST_BIN. KCC_TEST_TARGET picks which: `npm` (default) packs the package and installs it
// globally into a private prefix, preferring npm's cache (see installPackage);
// `binary` puts the linux-x64 standalone binaries from dist/bin (built by `npm run build:bin` when
// missing) on a private bin directory as kcc-cache and kcc-injector.
// `node scripts/test.mjs unit` runs only the unit tests (no install); `e2e` only the end-to-end ones;
// `stress` the standing stress suite (test/stress, against the installed commands, and the
// property-based tests in test/property); further arguments name the test files to run.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const TARGETS = ["npm", "binary"];
const target = process.env.KCC_TEST_TARGET || "npm";
if (!TARGETS.includes(target)) {
  console.error(`test: KCC_TEST_TARGET must be one of ${TARGETS.join(", ")}, not ${JSON.stringify(target)}`);
  process.exit(2);
}

// Each suite's test directories; `stress` runs the installed commands, as `e2e` does.
const DIRECTORIES = { unit: ["unit"], e2e: ["e2e"], stress: ["stress", "property"] };
const [only, ...named] = process.argv.slice(2);
if (only !== undefined && !(only in DIRECTORIES)) {
  console.error(
    `test: the suite must be one of ${Object.keys(DIRECTORIES).join(", ")}, not ${JSON.stringify(only)}`,
  );
  process.exit(2);
}
const suites = only ? [only] : ["unit", "e2e"];
const files =
  named.length > 0
    ? named
    : suites.flatMap((suite) =>
        DIRECTORIES[suite].flatMap((directory) => listTests(join("test", directory))),
      );

const env = { ...process.env, KCC_TEST_TARGET: target };
let scratch;
if (suites.includes("e2e") || suites.includes("stress")) {
  scratch = mkdtempSync(join(tmpdir(), "kcc-test-prefix-"));
  env.KCC_TEST_BIN = target === "binary" ? placeBinaries(scratch) : installPackage(scratch);
  // The binary target's own tests (test/e2e/binary-*.test.ts) check every target's build here.
  if (target === "binary") env.KCC_TEST_BINARIES = resolve("dist", "bin");
}

console.log(`test: end-to-end target ${target}`);
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env,
});
if (scratch) rmSync(scratch, { recursive: true, force: true });
process.exit(result.status ?? 1);

/**
 * Packs and installs the package globally into `prefix`. `--prefer-offline`, not `--offline`: `npm ci`
 * caches tarballs but not the registry metadata a global install resolves the dependencies with, so a
 * fresh machine's cache cannot serve that and the registry must; a warm cache serves it all.
 */
function installPackage(prefix) {
  const packed = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", prefix], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  execFileSync(
    "npm",
    [
      "install",
      "--global",
      "--prefer-offline",
      "--silent",
      "--no-audit",
      "--no-fund",
      "--prefix",
      prefix,
      join(prefix, packed),
    ],
    { stdio: "inherit" },
  );
  return join(prefix, "bin");
}

/** Links the binaries under the names users give them, as an archive from a release unpacks them. */
function placeBinaries(dir) {
  const platform = "linux-x64";
  const built = (command) => resolve("dist", "bin", `${command}-${platform}`);
  if (!existsSync(built("kcc-cache")) || !existsSync(built("kcc-injector"))) {
    execFileSync("npm", ["run", "build:bin"], { stdio: "inherit" });
  }
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const command of ["kcc-cache", "kcc-injector"]) symlinkSync(built(command), join(bin, command));
  return bin;
}

function listTests(directory) {
  let names;
  try {
    names = readdirSync(directory, { recursive: true });
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => join(directory, name));
}
