import { spawnSync } from "node:child_process";
import type { TestContext } from "node:test";

/**
 * A test that cannot set its scene on this machine (a tool is missing, root is needed) is skipped
 * with the reason, so that a contributor elsewhere sees why; under CI (CI=true) that is a failure,
 * because .ci/run installs everything the tests need and runs them as root.
 */
export function skipOrFailUnderCi(t: TestContext, reason: string): void {
  const message = `SKIPPED: ${reason}`;
  if (process.env["CI"] === "true") throw new Error(`${message} — CI must provide it (.ci/run)`);
  console.log(message);
  t.skip(message);
}

/** The commands of `names` that are not on PATH. */
export function missingCommands(names: readonly string[]): string[] {
  return names.filter((name) => spawnSync("sh", ["-c", `command -v ${name}`]).status !== 0);
}

/** Skips with the reason where this machine cannot set the scene; under CI that is a failure. */
export function canSetUp(t: TestContext, works: boolean, reason: string): boolean {
  if (!works) skipOrFailUnderCi(t, reason);
  return works;
}
