import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { API_V1BETA1, shq, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, startKccCache, useSandbox } from "./support/kcc-cache.js";
import { lockLeftovers, locksDirectory } from "./support/locks.js";
import type { Sandbox } from "./support/sandbox.js";
import { waitUntil } from "./support/wait.js";

// Nothing here waits out a lock: a lock left behind makes the following call hang until its bound.
const FOREVER = { KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "1h" };

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * A plugin whose first run notes its PID and then blocks (exec: the PID is the blocking process
 * itself); later runs print a credential at once.
 */
function writeBlockingPlugin(
  t: TestContext,
  sandbox: Sandbox,
): { path: string; pid: () => number | undefined } {
  const pidFile = join(sandbox.dir, "plugin.pid");
  const path = sandbox.writeScript(
    "blocking-plugin",
    [
      "#!/bin/sh",
      `if [ ! -e ${shq(pidFile)} ]; then`,
      `  echo "$$" > ${shq(`${pidFile}.tmp`)} && mv ${shq(`${pidFile}.tmp`)} ${shq(pidFile)}`,
      "  exec sleep 1000",
      "fi",
      `printf '{"kind":"ExecCredential","apiVersion":"${API_V1BETA1}","spec":{},"status":{"token":"after-the-signal"}}\\n'`,
      "",
    ].join("\n"),
  );
  let seen: number | undefined;
  const pid = (): number | undefined => {
    if (seen === undefined && existsSync(pidFile)) seen = Number(readFileSync(pidFile, "utf8").trim());
    return seen;
  };
  // Should kcc-cache leave it running, it must not outlive the test (nor hold the test's pipes).
  t.after(() => {
    const running = pid();
    if (running !== undefined && isRunning(running)) process.kill(running, "SIGKILL");
  });
  return { path, pid };
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  const code = 128 + constants.signals[signal];

  test(`${signal} while the plugin runs: passed on to it, lock released, exit ${code}`, async (t) => {
    const sandbox = useSandbox(t);
    const plugin = writeBlockingPlugin(t, sandbox);
    const call = startKccCache(sandbox, [plugin.path], { env: FOREVER });
    t.after(() => {
      if (call.child.exitCode === null) call.child.kill("SIGKILL");
    });
    await waitUntil(() => plugin.pid() !== undefined, "the plugin has started");
    const pid = plugin.pid() ?? 0;

    call.child.kill(signal);
    const exited = await call.exited;

    assert.deepEqual(exited, { code, signal: null }, `exit ${code}, as a shell reports ${signal}`);
    assert.equal(isRunning(pid), false, "the plugin is gone");
    assert.deepEqual(lockLeftovers(locksDirectory(sandbox)), [], "no lock left behind");
    const next = await startKccCache(sandbox, [plugin.path], { env: FOREVER, timeoutMs: 30_000 }).result;
    assertOk(next);
    assert.match(next.stdout, /after-the-signal/);
  });
}

test("SIGTERM while waiting for another kcc-cache's lock: exit 143, the holder's lock and run untouched", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "held-elsewhere", { gate });
  const holder = startKccCache(sandbox, [plugin.path], { env: FOREVER });
  await plugin.waitForRuns(1);
  const waiter = startKccCache(sandbox, [plugin.path], {
    env: { ...FOREVER, KUBE_CREDENTIAL_CACHE_DEBUG: "1" },
  });
  t.after(() => {
    for (const run of [holder, waiter]) if (run.child.exitCode === null) run.child.kill("SIGKILL");
  });
  await waitUntil(() => /: waiting, /.test(waiter.stderrSoFar()), "the second call waits for the lock");
  const locks = lockLeftovers(locksDirectory(sandbox));
  assert.equal(locks.length, 1, "the holder's lock");

  waiter.child.kill("SIGTERM");
  assert.deepEqual(await waiter.exited, { code: 143, signal: null });
  assert.deepEqual(lockLeftovers(locksDirectory(sandbox)), locks, "the holder's lock is still there");

  assert.equal(plugin.runs(), 1, "the waiter never ran the plugin");
  writeFileSync(gate, "");
  const held = await holder.result;
  assertOk(held);
  assert.equal(held.stdout, plugin.output(1));
  assert.deepEqual(lockLeftovers(locksDirectory(sandbox)), [], "released by its holder");
});
