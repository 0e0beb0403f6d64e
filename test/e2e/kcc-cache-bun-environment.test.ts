// The standalone binary takes no runtime option from the environment, as the Go original takes none
// (docs/bun-environment.md): bun's own variables, which kubectl passes on from the user's shell, change
// nothing in what kcc-cache does. The npm build runs on Node, which reads none of them.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { binariesUnderTest } from "./support/binaries.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, useSandbox } from "./support/kcc-cache.js";
import { run, type RunResult } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";

/** Run from a working directory where `./planted.js` leaves a marker if anything runs it. */
const PLANTED = "./planted.js";

// One row per way in: each would make the binary run the planted script, print something other than
// the credential, run as bun's CLI, or wait for a debugger instead of serving.
const CASES: readonly (readonly [string, Record<string, string>])[] = [
  ["BUN_OPTIONS preloading a script from the working directory", { BUN_OPTIONS: `--preload ${PLANTED}` }],
  ["BUN_OPTIONS=--version", { BUN_OPTIONS: "--version" }],
  ["BUN_OPTIONS=--help", { BUN_OPTIONS: "--help" }],
  ["BUN_BE_BUN=1", { BUN_BE_BUN: "1" }],
  [
    "BUN_INSPECT waiting for a debugger, with an inspector preload",
    { BUN_INSPECT: "127.0.0.1:0/kcc?break=1", BUN_INSPECT_PRELOAD: PLANTED },
  ],
];

for (const [name, variables] of CASES) {
  test(`${name}: the binary serves the credential, runs nothing else, and the plugin still sees the variable`, async (t) => {
    if (binariesUnderTest(t) === undefined) return;
    const sandbox = useSandbox(t);
    const cwd = join(sandbox.dir, "work");
    const marker = join(sandbox.dir, "planted-ran");
    mkdirSync(cwd);
    writeFileSync(
      join(cwd, PLANTED),
      `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran");\n`,
    );
    const plugin = writeFakePlugin(sandbox, "env-plugin", { recordEnv: true });

    const miss = await boundedCall(sandbox, [plugin.name], variables, cwd);
    assertOk(miss, "the miss");
    assert.equal(plugin.runs(), 1, "kcc-cache ran the plugin");
    assert.equal(miss.stdout, plugin.output(1));
    assert.equal(miss.stderr, "");
    const hit = await boundedCall(sandbox, [plugin.name], variables, cwd);
    assertOk(hit, "the hit");
    assert.equal(hit.stdout, plugin.output(1));
    assert.equal(hit.stderr, "");
    assert.equal(plugin.runs(), 1);
    assert.equal(existsSync(marker), false, "the planted script never ran");
    // Ignored by kcc-cache, not removed: a plugin built with bun is the user's to configure.
    for (const [variable, value] of Object.entries(variables)) assert.equal(plugin.env(1)[variable], value);
  });
}

// bun's bytecode profilers write their record to the path a variable names, when the process exits:
// an existing file there is replaced. A user's file must never be lost to a kubectl call.
test("BUN_BYTECODE_ORDER_OUT, BUN_BYTECODE_ORDER_NAMES_OUT and BUN_BYTECODE_DIGEST_OUT: no file is written or replaced", async (t) => {
  if (binariesUnderTest(t) === undefined) return;
  const sandbox = useSandbox(t);
  const cwd = join(sandbox.dir, "work");
  mkdirSync(cwd);
  const kept = join(sandbox.dir, "users-file");
  const fresh = join(sandbox.dir, "not-there-before");
  writeFileSync(kept, "the user's own data\n");
  const plugin = writeFakePlugin(sandbox, "profiled-plugin");
  const variables = {
    BUN_BYTECODE_ORDER_OUT: kept,
    BUN_BYTECODE_ORDER_NAMES_OUT: kept,
    BUN_BYTECODE_DIGEST_OUT: fresh,
  };
  for (const call of ["the miss", "the hit"]) {
    const result = await boundedCall(sandbox, [plugin.name], variables, cwd);
    assertOk(result, call);
    assert.equal(result.stdout, plugin.output(1));
    assert.equal(readFileSync(kept, "utf8"), "the user's own data\n", `${call} left the user's file alone`);
    assert.equal(existsSync(fresh), false, `${call} wrote no file`);
  }
  // Each variable on its own, as a user would have one of them exported.
  for (const [variable, path] of [
    ["BUN_BYTECODE_ORDER_OUT", kept],
    ["BUN_BYTECODE_DIGEST_OUT", kept],
  ] as const) {
    const result = await boundedCall(sandbox, [plugin.name], { [variable]: path }, cwd);
    assertOk(result, variable);
    assert.equal(
      readFileSync(kept, "utf8"),
      "the user's own data\n",
      `${variable} left the user's file alone`,
    );
  }
});

/**
 * kcc-cache as kubectl runs it (from a parent of its own, in the user's directory), killed if it has not
 * exited in 20 s: a binary waiting for a debugger would otherwise hold this test's pipes forever.
 */
function boundedCall(
  sandbox: Sandbox,
  argv: readonly string[],
  variables: Record<string, string>,
  cwd: string,
): Promise<RunResult> {
  return run("/bin/sh", ["-c", 'exec timeout -s KILL 20 "$0" "$@"', kccBin("kcc-cache"), ...argv], {
    env: { ...sandbox.env, ...variables },
    cwd,
  });
}
