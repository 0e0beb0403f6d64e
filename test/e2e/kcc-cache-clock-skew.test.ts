// kcc-cache whose clock disagrees with the file system's, as on a network home directory whose
// server clock is off, here made with libfaketime (`faketime`): locks are judged on the file
// system's clock alone (docs/locks.md), so none looks dead, or immortal, for the skew.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertEveryKeyStored, killOnExit, pluginPerKey } from "./support/fan-out.js";
import { assertOk, useSandbox } from "./support/kcc-cache.js";
import { lockLeftovers, locksDirectory } from "./support/locks.js";
import { start, type StartedRun } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";
import { missingCommands, skipOrFailUnderCi } from "./support/skip.js";
import { waitUntil } from "./support/wait.js";

const MISSES = 30;
const WAITERS = 8;

/** Whether `faketime` runs here and moves a program's clock by `skew`; skipped (failed under CI) if not. */
function requireFaketime(t: TestContext, skew: string): boolean {
  let reason: string | undefined;
  if (missingCommands(["faketime"]).length > 0) reason = "missing faketime (Debian package faketime)";
  else {
    const probe = spawnSync("faketime", ["-f", skew, "date", "+%s"], { encoding: "utf8" });
    const offset = Number(probe.stdout.trim()) - Date.now() / 1000;
    if (probe.status !== 0 || Math.abs(offset) < 20)
      reason = `faketime -f ${skew} does not move the clock (offset ${offset.toFixed(0)}s): ${probe.stderr.trim()}`;
  }
  if (reason === undefined) return true;
  skipOrFailUnderCi(t, reason);
  return false;
}

/** kcc-cache under `faketime -f <skew>`, which sets LD_PRELOAD and FAKETIME for it and what it starts. */
function skewedCall(
  sandbox: Sandbox,
  skew: string,
  argv: string[],
  env: Record<string, string> = {},
): StartedRun {
  return start("faketime", ["-f", skew, kccBin("kcc-cache"), ...argv], {
    env: { ...sandbox.env, ...env },
    timeoutMs: 180_000,
  });
}

for (const skew of ["+30s", "-30s"]) {
  test(`${MISSES} concurrent misses of different keys with the clock ${skew} off the file system's are all stored`, async (t) => {
    if (!requireFaketime(t, skew)) return;
    const sandbox = useSandbox(t);
    const plugins = pluginPerKey(sandbox, "skewed", MISSES);
    const calls = plugins.map((plugin) => skewedCall(sandbox, skew, [plugin.path]));
    killOnExit(t, calls);
    const results = await Promise.all(calls.map((call) => call.result));

    await assertEveryKeyStored(sandbox, plugins, results, "credential not cached: … ENOENT");
  });
}

test(`concurrent misses of one key with the clock +30s off run the plugin once, across the holder's heartbeats`, async (t) => {
  if (!requireFaketime(t, "+30s")) return;
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "skewed-single-flight", { gate });
  // A lock wrongly judged is broken at once; one rightly judged is waited for past any test's bound.
  const env = { KUBE_CREDENTIAL_CACHE_DEBUG: "1", KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "1h" };
  const calls: StartedRun[] = [];
  for (let index = 0; index <= WAITERS; index += 1)
    calls.push(skewedCall(sandbox, "+30s", [plugin.path], env));
  killOnExit(t, calls);

  await plugin.waitForRuns(1);
  // Each call has either taken the lock or looked at its holder's (and waits, or broke it).
  const settled = (call: StartedRun): boolean =>
    /refresh lock: acquired|lock .*: (waiting|breaking it), /.test(call.stderrSoFar());
  await waitUntil(() => calls.every(settled), `all ${WAITERS + 1} calls have taken or looked at the lock`);
  // Two heartbeats of the holder while they keep looking (many times a second): a beat stamped with the
  // holder's clock would put the mtime 30 s ahead of the file system's, and a waiter would break it.
  const lock = join(
    locksDirectory(sandbox),
    lockLeftovers(locksDirectory(sandbox)).find((name) => name.endsWith(".lock")) ?? "none",
  );
  const mtime = (): number | undefined => {
    try {
      return statSync(lock).mtimeMs;
    } catch {
      return undefined;
    }
  };
  for (let beat = 1; beat <= 2; beat += 1) {
    const before = mtime();
    // (A second plugin run means the lock was broken already: the assertions below say so.)
    await waitUntil(() => mtime() !== before || plugin.runs() > 1, `heartbeat ${beat} of the holder`);
  }
  writeFileSync(gate, "");
  const results = await Promise.all(calls.map((call) => call.result));

  assert.equal(plugin.runs(), 1, "the plugin ran once: nobody broke the holder's lock");
  for (const result of results) {
    assertOk(result);
    assert.equal(result.stdout, plugin.output(1));
    assert.doesNotMatch(result.stderr, /breaking it/);
  }
});
