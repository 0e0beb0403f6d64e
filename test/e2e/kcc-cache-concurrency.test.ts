import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, kccCache, startKccCache, useSandbox } from "./support/kcc-cache.js";
import type { StartedRun } from "./support/run.js";
import { waitUntil } from "./support/wait.js";

const PARALLEL = 24;

function openGate(gate: string): void {
  writeFileSync(gate, "");
}

/** On a failed assertion, leave no kcc-cache behind (gated plugins end by themselves with the sandbox). */
function killOnExit(t: TestContext, runs: StartedRun[]): void {
  t.after(() => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill("SIGKILL");
  });
}

test(`${PARALLEL} parallel cold calls run the plugin once and all print the same valid credential`, async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "single-flight", { gate });
  const env = { KUBE_CREDENTIAL_CACHE_DEBUG: "1" };
  const calls: StartedRun[] = [];
  for (let index = 0; index < PARALLEL; index += 1)
    calls.push(startKccCache(sandbox, [plugin.path], { env }));
  killOnExit(t, calls);

  // Hold the one plugin run open until every call has looked in the cache and missed: all of them
  // then race for the refresh while it is in flight. (The debug line is the event we wait on.)
  await waitUntil(
    () => calls.every((call) => /\bmiss\b/.test(call.stderrSoFar())),
    `all ${PARALLEL} calls have missed`,
  );
  await plugin.waitForRuns(1);
  openGate(gate);
  const results = await Promise.all(calls.map((call) => call.result));

  assert.equal(plugin.runs(), 1, "exactly one plugin run");
  for (const result of results) {
    assertOk(result);
    assert.equal(result.stdout, plugin.output(1), "every caller got the one credential, byte for byte");
    assert.ok(!result.stderr.includes("single-flight-secret"), "debug output never shows the token");
  }
  const credential = JSON.parse(plugin.output(1)) as { kind: string; status: { token: string } };
  assert.equal(credential.kind, "ExecCredential");
  assert.equal(credential.status.token, "single-flight-secret-1");
});

test("different keys refresh in parallel: neither waits for the other's lock", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const first = writeFakePlugin(sandbox, "first-key", { gate });
  const second = writeFakePlugin(sandbox, "second-key", { gate });
  const a = startKccCache(sandbox, [first.path]);
  const b = startKccCache(sandbox, [second.path]);
  killOnExit(t, [a, b]);
  // Both plugins are running at the same time before the gate opens: if one key's refresh waited for
  // the other's lock, the second plugin could not start until the first finished, which needs the gate.
  await first.waitForRuns(1);
  await second.waitForRuns(1);
  openGate(gate);
  const [resultA, resultB] = await Promise.all([a.result, b.result]);
  assertOk(resultA);
  assertOk(resultB);
  assert.equal(resultA.stdout, first.output(1));
  assert.equal(resultB.stdout, second.output(1));
  // Both were stored, neither overwrote the other.
  assert.equal((await kccCache(sandbox, [first.path])).stdout, first.output(1));
  assert.equal((await kccCache(sandbox, [second.path])).stdout, second.output(1));
  assert.deepEqual([first.runs(), second.runs()], [1, 1]);
});

test("a lock whose holder was killed with SIGKILL does not make the next call wait", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "killed-holder", { gate });
  const env = { KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "60s" };

  const holder = startKccCache(sandbox, [plugin.path], { env });
  await plugin.waitForRuns(1); // the holder has the lock and is inside the plugin
  holder.child.kill("SIGKILL");
  const killed = await holder.exited;
  assert.equal(killed.signal, "SIGKILL");
  openGate(gate); // lets the orphaned plugin run end; the new call's run passes straight through

  const next = await kccCache(sandbox, [plugin.path], {
    env: { ...env, KUBE_CREDENTIAL_CACHE_DEBUG: "1" },
  });
  assertOk(next);
  // It broke the dead holder's lock at once instead of waiting on it.
  assert.match(next.stderr, /lock .*: breaking it, /);
  assert.doesNotMatch(next.stderr, /lock .*: waiting, /);
  assert.equal(plugin.runs(), 2, "the plugin ran again for the new call");
  assert.equal(next.stdout, plugin.output(2));
  assert.ok(!next.stderr.includes("waited"), `no lock-timeout warning:\n${next.stderr}`);
});

test("a stuck (alive) lock holder is waited for only KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "stuck-holder", { gate });
  const env = { KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "1s" };

  const holder = startKccCache(sandbox, [plugin.path], { env });
  await plugin.waitForRuns(1);
  const waiter = startKccCache(sandbox, [plugin.path], { env });
  killOnExit(t, [holder, waiter]);
  // The holder is still stuck in its plugin run (the gate is closed), so a second run can only come
  // from the waiter giving up on the lock and running the plugin itself.
  await plugin.waitForRuns(2, 20_000);
  openGate(gate);
  const [held, waited] = await Promise.all([holder.result, waiter.result]);
  assertOk(held);
  assertOk(waited);
  assert.equal(held.stdout, plugin.output(1));
  assert.equal(waited.stdout, plugin.output(2));
  const warnings = waited.stderr.split("\n").filter((line) => line.includes("warning"));
  assert.equal(warnings.length, 1, waited.stderr);
  assert.match(warnings[0] ?? "", /1s/);
});
