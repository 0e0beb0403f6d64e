// Runs the suite with Node's own test runner. End-to-end tests use the commands as a user gets them:
// the package is packed and installed globally into a private prefix, whose bin directory the tests
// find in KCC_TEST_BIN. `node scripts/test.mjs unit` runs only the unit tests (no install).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const only = process.argv[2];
const suites = only ? [only] : ["unit", "e2e"];
const files = suites.flatMap((suite) => listTests(join("test", suite)));

const env = { ...process.env };
let prefix;
if (suites.includes("e2e")) {
  prefix = mkdtempSync(join(tmpdir(), "kcc-test-prefix-"));
  const packed = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", prefix], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  execFileSync(
    "npm",
    ["install", "--global", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, join(prefix, packed)],
    { stdio: "inherit" },
  );
  env.KCC_TEST_BIN = join(prefix, "bin");
}

const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
  env,
});
if (prefix) rmSync(prefix, { recursive: true, force: true });
process.exit(result.status ?? 1);

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
