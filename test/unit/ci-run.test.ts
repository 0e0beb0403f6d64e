import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

// CI is the proof that a fresh clone's README commands work: it must run them, and run every npm
// command as a fresh machine would, with an npm cache and HOME that no earlier run has warmed.
const ROOT = join(__dirname, "..", "..");
const ciRun = readFileSync(join(ROOT, ".ci", "run"), "utf8").split("\n");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/** The commands of the README's Development section's first shell block, comments dropped. */
function readmeDevelopmentCommands(): string[] {
  const section = readme.slice(readme.indexOf("\n## Development\n"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "");
}

const runs = (command: string): number =>
  ciRun.findIndex((line) => new RegExp(`^(step )?${command.replace(/ /g, "\\s+")}(\\s|$)`).test(line.trim()));

test("the README's test command is npm test, after npm install", () => {
  const commands = readmeDevelopmentCommands();
  assert.ok(commands[0]?.startsWith("npm install"), commands.join("\n"));
  assert.ok(commands.includes("npm test"), commands.join("\n"));
});

test(".ci/run runs npm ci (npm install, locked) and then npm test", () => {
  const install = runs("npm ci");
  const tests = runs("npm test");
  assert.ok(install >= 0, ".ci/run installs with npm ci");
  assert.ok(tests > install, ".ci/run runs npm test after installing");
});

test(".ci/run gives every npm command an empty npm cache and a HOME of its own", () => {
  const privateDirs = ciRun.findIndex((line) =>
    /^export HOME="\$ci_home" npm_config_cache="\$ci_home\/[^"]+"$/.test(line.trim()),
  );
  assert.ok(privateDirs >= 0, "HOME and npm_config_cache are set to CI's own directory");
  assert.ok(
    ciRun.some((line) => /^ci_home=\$\(mktemp -d\b/.test(line.trim())),
    "that directory is a new temporary one",
  );
  const firstNpm = ciRun.findIndex((line) => /^(step )?npm\s/.test(line.trim()));
  assert.ok(firstNpm > privateDirs, "no npm command runs before them");
});
