import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCache } from "../../src/cli/kcc-cache.js";
import type { CallerIdentity } from "../../src/core/cache/caller-identity.js";
import type { Runtime } from "../../src/flows/runtime.js";
import { useTempDir } from "./support/temp-dir.js";

const MIN = 60_000;
const T0 = Date.UTC(2030, 0, 1, 12);
const EXPIRY = T0 + 10 * MIN;

/**
 * kcc-cache called as a function, on a Runtime the test controls: a fake clock, a fake process table
 * and captured output. A temp cache file and a /bin/sh plugin are the only real parts.
 */
test("runCache runs in-process on a fake Runtime: clock, process table and output are the test's", async (t) => {
  const dir = useTempDir(t, "kcc-in-process-");
  const runs = join(dir, "runs");
  const plugin = join(dir, "plugin");
  writeFileSync(
    plugin,
    [
      "#!/bin/sh",
      `echo x >> '${runs}'`,
      `n=$(wc -l < '${runs}' | tr -d ' ')`,
      `printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"${new Date(EXPIRY).toISOString()}","token":"in-process-secret-%s"}}\\n' "$n"`,
      "",
    ].join("\n"),
  );
  chmodSync(plugin, 0o755);
  const pluginRuns = (): number => {
    try {
      return readFileSync(runs, "utf8").split("\n").filter(Boolean).length;
    } catch {
      return 0;
    }
  };

  let clock = T0;
  let caller: CallerIdentity = { pid: 4242, start: "1", exe: "/opt/kubectl" };
  let stdout = "";
  let stderr = "";
  const started: { args: readonly string[]; marked: boolean }[] = [];
  const runtime: Runtime = {
    env: {
      PATH: process.env["PATH"],
      KUBE_CREDENTIAL_CACHE_FILE: join(dir, "cache", "cache.json"),
      KUBE_CREDENTIAL_CACHE_BACKEND: "file",
      KUBE_CREDENTIAL_CACHE_DEBUG: "1",
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1beta1",
        spec: { interactive: false },
      }),
    },
    now: () => clock,
    platform: { os: "linux", homedir: dir },
    parentPid: 4242,
    uid: process.getuid?.(),
    identifyProcess: (pid) => (pid === caller.pid ? caller : undefined),
    // Records the background refresh a hit hands off, and starts nothing.
    startDetachedCopy: (args, env) => {
      started.push({ args, marked: env["KCC_INTERNAL_BACKGROUND_REFRESH"] !== undefined });
      return Promise.resolve(undefined);
    },
    stdout: (text) => {
      stdout += typeof text === "string" ? text : Buffer.from(text).toString("utf8");
    },
    stderr: (text) => {
      stderr += text;
    },
  };
  const call = async (atMs: number, pid: number): Promise<{ code: number; token: string; debug: string }> => {
    clock = atMs;
    caller = { ...caller, pid };
    stdout = "";
    stderr = "";
    const code = await runCache([plugin], { ...runtime, parentPid: pid });
    const token = (JSON.parse(stdout) as { status: { token: string } }).status.token;
    return { code, token, debug: stderr };
  };

  const first = await call(T0, 100);
  assert.deepEqual([first.code, first.token, pluginRuns()], [0, "in-process-secret-1", 1]);
  assert.match(first.debug, /miss: no entry/);

  const hit = await call(T0 + MIN, 101);
  assert.deepEqual([hit.code, hit.token, pluginRuns()], [0, "in-process-secret-1", 1]);
  // The window is capped at half the entry's 9m30s of servable life: 4m45s.
  assert.match(hit.debug, /hit: served for 8m30s more; background refresh due in 3m45s/);

  // The fake process table says the same kubectl asks again: client-go's retry after a 401.
  const retry = await call(T0 + 2 * MIN, 101);
  assert.deepEqual([retry.code, retry.token, pluginRuns()], [0, "in-process-secret-2", 2]);
  assert.match(retry.debug, /rejected: the same process \(pid 101\)/);

  // The fake clock inside the window before the 30 s margin: served, and a refresh is due.
  // (The entry refreshed at T0 + 2 min has 7m30s of servable life: its window is half of that, 3m45s.)
  const windowed = await call(EXPIRY - 30_000 - 3 * MIN, 102);
  assert.deepEqual([windowed.code, windowed.token, pluginRuns()], [0, "in-process-secret-2", 2]);
  assert.match(windowed.debug, /hit-and-refresh: .*background refresh due/);
  assert.deepEqual(started, [{ args: ["--", plugin], marked: true }], "one background copy asked for");

  const late = await call(EXPIRY - 30_000, 103);
  assert.deepEqual([late.code, late.token, pluginRuns()], [0, "in-process-secret-3", 3]);
  assert.match(late.debug, /miss: the entry expires within the 30s refresh margin/);
  for (const debug of [first, hit, retry, windowed, late].map((result) => result.debug)) {
    assert.ok(!debug.includes("in-process-secret"), "no credential in the debug output");
  }
});
