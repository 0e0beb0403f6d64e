import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { writeFakePlugin, type FakePlugin } from "./fake-plugin.js";
import { assertOk, kccCache, stderrLines } from "./kcc-cache.js";
import type { RunResult, StartedRun } from "./run.js";
import type { Sandbox } from "./sandbox.js";

/**
 * Many calls that each miss a key of their own at the same time, as a CI job fanning out over
 * clusters does: a plugin each, because runs of one counting plugin at the same moment may share a
 * run number.
 */
export function pluginPerKey(sandbox: Sandbox, name: string, count: number): FakePlugin[] {
  return Array.from({ length: count }, (_, index) => writeFakePlugin(sandbox, `${name}-${index}`));
}

/** Every call served its own plugin's credential, none warned, and every key is in the cache. */
export async function assertEveryKeyStored(
  sandbox: Sandbox,
  plugins: readonly FakePlugin[],
  results: readonly RunResult[],
  warningLike: string,
): Promise<void> {
  results.forEach((result, index) => {
    assertOk(result);
    assert.equal(result.stdout, plugins[index]?.output(1));
  });
  const warnings = results.flatMap((result) => stderrLines(result));
  assert.deepEqual(warnings, [], `${warnings.length} warning(s) (such as: ${warningLike})`);
  const listed = await kccCache(sandbox, ["--list", "--json"]);
  assertOk(listed);
  assert.equal((JSON.parse(listed.stdout) as unknown[]).length, plugins.length, "every key is in the cache");
}

/** On a failed assertion, leave no kcc-cache behind (gated plugins end by themselves with the sandbox). */
export function killOnExit(t: TestContext, runs: readonly StartedRun[]): void {
  t.after(() => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill("SIGKILL");
  });
}
