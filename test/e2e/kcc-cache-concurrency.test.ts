import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, constants, existsSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { shq, writeFakePlugin, type FakePlugin } from "./support/fake-plugin.js";
import { assertEveryKeyStored, killOnExit, pluginPerKey } from "./support/fan-out.js";
import { assertOk, kccCache, startKccCache, useSandbox } from "./support/kcc-cache.js";
import type { StartedRun } from "./support/run.js";
import type { Sandbox } from "./support/sandbox.js";
import { waitUntil } from "./support/wait.js";

const PARALLEL = 24;
/** A CI job fanning out over many clusters: each call a different key, all stored in one cache file. */
const FAN_OUT = 100;

function openGate(gate: string): void {
  writeFileSync(gate, "");
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

/**
 * Holds plugin runs until `count` of them have started, then lets them all go at once: each reads
 * one byte from a FIFO, so that a hundred waiting runs cost no CPU (a polled gate file would). The
 * test holds the FIFO open from the start, so that no run blocks in open() and no byte written is
 * lost; closing it when the test ends lets any run still waiting go (reading nothing).
 */
function startingGate(t: TestContext, sandbox: Sandbox, count: number) {
  const fifo = join(sandbox.dir, "start.fifo");
  const arrived = join(sandbox.dir, "arrived");
  execFileSync("mkfifo", ["-m", "600", fifo]);
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  t.after(() => {
    closeSync(fd);
  });
  return {
    /** A plugin that waits at the gate, then runs `plugin`. */
    wrap: (plugin: FakePlugin): string =>
      sandbox.writeScript(
        `gated-${plugin.name}`,
        [
          "#!/bin/sh",
          `echo >> ${shq(arrived)}`,
          `dd if=${shq(fifo)} of=/dev/null bs=1 count=1 status=none`,
          `exec ${shq(plugin.path)} "$@"`,
          "",
        ].join("\n"),
      ),
    open: async (): Promise<void> => {
      const arrivals = (): number => (existsSync(arrived) ? readFileSync(arrived, "utf8").length : 0);
      await waitUntil(() => arrivals() >= count, `${count} plugin runs are at the gate`, 120_000);
      writeSync(fd, Buffer.alloc(count));
    },
  };
}

test(`${FAN_OUT} concurrent misses of different keys are all stored in the one cache file`, async (t) => {
  const sandbox = useSandbox(t);
  // Held at a gate until every call is in its plugin: all of them then store at once.
  const gate = startingGate(t, sandbox, FAN_OUT);
  const plugins = pluginPerKey(sandbox, "fan-out", FAN_OUT);
  const calls = plugins.map((plugin) => startKccCache(sandbox, [gate.wrap(plugin)], { timeoutMs: 300_000 }));
  killOnExit(t, calls);
  await gate.open();
  const results = await Promise.all(calls.map((call) => call.result));

  await assertEveryKeyStored(sandbox, plugins, results, "locked by another process; not updated");
});
