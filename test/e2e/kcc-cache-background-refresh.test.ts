import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test, type TestContext } from "node:test";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import {
  writeFakePlugin,
  writeHangingPlugin,
  type FakePlugin,
  type FakePluginOptions,
} from "./support/fake-plugin.js";
import { assertOk, execInfo, kccCache, startKccCache, useSandbox } from "./support/kcc-cache.js";
import { writeKubeconfig } from "./support/kubeconfig.js";
import { lockLeftovers, locksDirectory } from "./support/locks.js";
import { run, type RunResult } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";
import { missingCommands, skipOrFailUnderCi } from "./support/skip.js";
import { waitUntil } from "./support/wait.js";

/**
 * Refresh ahead of expiry (docs/background-refresh.md). The fake plugin issues ~40 s credentials in
 * ~300 ms, like a real one but faster. The window is at most half an entry's servable life, so the
 * priming call's entry is then dated a minute back in the cache file, as if that minute had passed:
 * with a 5 s refresh margin and a 60 s window it is inside the window, and a hit starts a background
 * refresh deterministically. The plugin's background run is held on a gate file the test creates,
 * never on a sleep.
 */
const IN_WINDOW = {
  KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN: "5s",
  KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "60s",
  KUBE_CREDENTIAL_CACHE_DEBUG: "1",
  KUBERNETES_EXEC_INFO: execInfo(undefined, { interactive: true }),
};

interface Scene {
  readonly sandbox: Sandbox;
  readonly plugin: FakePlugin;
  readonly gate: string;
  readonly log: string;
  openGate(): void;
  closeGate(): void;
  /** Runs the plugin once in the foreground (gate open), so that the cache holds run 1's credential. */
  prime(): Promise<void>;
  logRecords(): { key: string; result: string; why: string }[];
}

function setScene(t: TestContext, options: FakePluginOptions = {}): Scene {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "bg-plugin", {
    lifetimes: [40],
    latencyMs: 300,
    gate,
    recordEnv: true,
    recordStdin: true,
    ...options,
  });
  const log = join(dirname(sandbox.cacheFile), "background-refresh.log");
  const openGate = (): void => {
    writeFileSync(gate, "");
  };
  // Whatever happens, no gated plugin run outlives the test waiting for its gate (it also gives up
  // when the sandbox is gone, which may happen first).
  t.after(() => {
    if (existsSync(sandbox.dir)) openGate();
  });
  return {
    sandbox,
    plugin,
    gate,
    log,
    openGate,
    closeGate: () => {
      rmSync(gate, { force: true });
    },
    prime: async () => {
      openGate();
      assertOk(await kccCache(sandbox, [plugin.name], { env: IN_WINDOW }), "priming call");
      assert.equal(plugin.runs(), 1);
      rmSync(gate);
      storedEarlier(sandbox, 60_000);
    },
    logRecords: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { key: string; result: string; why: string })
        : [],
  };
}

/** Dates every cached entry `ms` earlier, as if it had been stored that long ago. */
function storedEarlier(sandbox: Sandbox, ms: number): void {
  const document = JSON.parse(readFileSync(sandbox.cacheFile, "utf8")) as {
    entries: Record<string, { storedAtMs: number }>;
  };
  for (const entry of Object.values(document.entries)) entry.storedAtMs -= ms;
  writeFileSync(sandbox.cacheFile, `${JSON.stringify(document, null, 1)}\n`, { mode: 0o600 });
}

function tokenOf(credential: string): string {
  return (JSON.parse(credential) as { status: { token: string } }).status.token;
}

function startedPid(stderr: string): number {
  const match = /background refresh: started \(pid (\d+)\)/.exec(stderr);
  assert.ok(match, `no background refresh started; stderr:\n${stderr}`);
  return Number(match[1]);
}

/** Gone, or a zombie: dead, its parent not yet told. */
function gone(pid: number): boolean {
  try {
    const state = /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
    return state === "Z" || state === "X";
  } catch {
    return true;
  }
}

/** Live processes with the sandbox's HOME in their environment: the kcc-cache runs and all they started. */
function sandboxProcesses(sandbox: Sandbox): number[] {
  const home = `HOME=${sandbox.home}`;
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(home) && !gone(pid);
      } catch {
        return false;
      }
    });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A scene with real kubectl against the local API server, its kubeconfig pointing at kcc-cache and the
 * scene's plugin, and a runner for `kubectl get --raw /version` inside the window (kubectl sets its
 * own KUBERNETES_EXEC_INFO). Undefined, the test skipped, where kubectl is not on PATH.
 */
async function setKubectlScene(
  t: TestContext,
): Promise<{ scene: Scene; server: ApiServer; kubectl: (what: string) => Promise<RunResult> } | undefined> {
  if (missingCommands(["kubectl"]).length > 0) {
    skipOrFailUnderCi(t, `kubectl is not on PATH`);
    return undefined;
  }
  const scene = setScene(t);
  const server = await startApiServer();
  t.after(() => server.close());
  const kubeconfig = writeKubeconfig(scene.sandbox, server, {
    name: "dev",
    exec: { command: kccBin("kcc-cache"), args: [scene.plugin.name] },
  });
  const env = { ...scene.sandbox.env, ...IN_WINDOW };
  delete (env as Record<string, string | undefined>)["KUBERNETES_EXEC_INFO"];
  const kubectl = async (what: string): Promise<RunResult> => {
    const result = await run("kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
      env,
      timeoutMs: 20_000,
    });
    assertOk(result, what);
    return result;
  };
  return { scene, server, kubectl };
}

test("kubectl inside the window gets the cached token at once, without waiting for the background plugin, which then refreshes the cache", async (t) => {
  const world = await setKubectlScene(t);
  if (world === undefined) return;
  const { scene, server, kubectl } = world;
  const { sandbox, plugin } = scene;
  await scene.prime();
  const first = tokenOf(plugin.output(1));

  // The gate is closed: the background plugin cannot finish, and its kcc-cache cannot exit, until
  // kubectl has returned. If either held kubectl's stdout or stderr, kubectl (or this run, which waits
  // for its pipes to close) would never return and the test would time out.
  const result = await kubectl("kubectl inside the window");
  assert.equal(server.requests.at(-1)?.authorization, `Bearer ${first}`, "served the cached credential");
  const pid = startedPid(result.stderr);
  await plugin.waitForRuns(2);
  assert.ok(alive(pid), "the background kcc-cache is still running its gated plugin");

  // The plugin ran without a terminal and was told so.
  await plugin.waitForStdin(2);
  assert.deepEqual(plugin.stdin(2), { fd0: "/dev/null", ttyNr: "0" });
  const info = JSON.parse(plugin.env(2)["KUBERNETES_EXEC_INFO"] ?? "{}") as {
    spec?: { interactive?: boolean };
  };
  assert.equal(info.spec?.interactive, false);
  assert.equal(
    plugin.env(2)["KCC_INTERNAL_BACKGROUND_REFRESH"],
    undefined,
    "the plugin never sees the marker",
  );

  scene.openGate();
  const second = () => tokenOf(plugin.output(2));
  // The log's line, not the file: the append creates the file before it writes the line.
  await waitUntil(() => scene.logRecords().length === 1, "the background refresh has logged its result");
  assert.ok(readFileSync(sandbox.cacheFile, "utf8").includes(second()), "the cache holds run 2's credential");
  assert.deepEqual(
    scene.logRecords().map((record) => record.result),
    ["refreshed"],
  );
  await waitUntil(() => !alive(pid), "the background kcc-cache has exited");
  const secrets = readFileSync(scene.log, "utf8");
  assert.ok(!secrets.includes(first) && !secrets.includes(second()), "the log holds no token");

  const after = await kccCache(sandbox, [plugin.name], {
    env: { ...IN_WINDOW, KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "0" },
  });
  assertOk(after);
  assert.equal(tokenOf(after.stdout), second(), "the next call is served the refreshed credential");
  assert.equal(plugin.runs(), 2);
});

test("over several credential lifetimes, kubectl never waits for the plugin after the first call", async (t) => {
  const world = await setKubectlScene(t);
  if (world === undefined) return;
  const { scene, server, kubectl } = world;
  const { sandbox, plugin } = scene;
  // The first call of the day runs the plugin in the foreground.
  scene.openGate();
  await kubectl("the first call");
  assert.equal(plugin.runs(), 1);
  // Each lifetime: plain hits, then (dated a minute on, as if that time had passed) a call inside the
  // window. The gate is closed whenever kubectl runs, so a call that waited for the plugin would never
  // return; the background run completes once the gate opens.
  const lifetimes = 3;
  for (let lifetime = 1; lifetime <= lifetimes; lifetime += 1) {
    scene.closeGate();
    await kubectl(`lifetime ${lifetime}: a plain hit`);
    assert.equal(plugin.runs(), lifetime, `lifetime ${lifetime}: a plain hit runs nothing`);
    storedEarlier(sandbox, 60_000);
    await kubectl(`lifetime ${lifetime}: a call inside the window`);
    assert.equal(
      server.requests.at(-1)?.authorization,
      `Bearer ${tokenOf(plugin.output(lifetime))}`,
      `lifetime ${lifetime}: served the cached credential`,
    );
    await plugin.waitForRuns(lifetime + 1);
    scene.openGate();
    await waitUntil(
      () => scene.logRecords().length === lifetime,
      `lifetime ${lifetime}: the background refresh has logged`,
    );
    assert.ok(
      readFileSync(sandbox.cacheFile, "utf8").includes(tokenOf(plugin.output(lifetime + 1))),
      `lifetime ${lifetime}: the cache holds the new credential`,
    );
  }
  assert.deepEqual(
    scene.logRecords().map((record) => record.result),
    Array.from({ length: lifetimes }, () => "refreshed"),
  );
  // Every run after the first was a background one: no terminal, told it is not interactive.
  for (let runNumber = 2; runNumber <= lifetimes + 1; runNumber += 1) {
    await plugin.waitForStdin(runNumber);
    assert.equal(plugin.stdin(runNumber).fd0, "/dev/null", `run ${runNumber} had no terminal`);
    const info = JSON.parse(plugin.env(runNumber)["KUBERNETES_EXEC_INFO"] ?? "{}") as {
      spec?: { interactive?: boolean };
    };
    assert.equal(info.spec?.interactive, false, `run ${runNumber} was told it is not interactive`);
  }
});

test("50 parallel callers inside the window start one background refresh: the plugin runs once", async (t) => {
  const scene = setScene(t);
  const { sandbox, plugin } = scene;
  await scene.prime();
  const calls = await Promise.all(
    Array.from({ length: 50 }, () => kccCache(sandbox, [plugin.name], { env: IN_WINDOW })),
  );
  for (const call of calls) {
    assertOk(call);
    assert.equal(call.stdout, plugin.output(1), "every caller got the cached credential at once");
  }
  const started = calls.filter((call) => call.stderr.includes("background refresh: started"));
  assert.equal(started.length, 1, "one caller started the refresh; the others found the lock held");
  await plugin.waitForRuns(2);
  scene.openGate();
  await waitUntil(() => scene.logRecords().length === 1, "the background refresh has logged its result");
  await waitUntil(() => !alive(startedPid(started[0]?.stderr ?? "")), "the background kcc-cache has exited");
  assert.equal(plugin.runs(), 2, "one foreground run, one background run");
  assert.equal(scene.logRecords()[0]?.result, "refreshed");
});

test("a foreground miss while the background refresh runs waits for it and serves its credential", async (t) => {
  // Run 1 lives 20 s, later runs 60 s: with a 30 s margin run 1's entry is a miss and run 2's a hit.
  const scene = setScene(t, { lifetimes: [20, 60] });
  const { sandbox, plugin } = scene;
  await scene.prime();
  assertOk(await kccCache(sandbox, [plugin.name], { env: IN_WINDOW }), "hit inside the window");
  await plugin.waitForRuns(2);
  const miss = startKccCache(sandbox, [plugin.name], {
    env: { ...IN_WINDOW, KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN: "30s" },
  });
  await waitUntil(() => /lock .*: waiting/.test(miss.stderrSoFar()), "the foreground miss waits on the lock");
  scene.openGate();
  const result = await miss.result;
  assertOk(result, "foreground miss");
  assert.equal(result.stdout, plugin.output(2), "served the background refresh's credential");
  assert.equal(plugin.runs(), 2, "no second plugin run");
  // The waiter is served as soon as the entry is stored; the detached copy then logs its result. Wait
  // for that, or the sandbox's removal races the log's creation.
  await waitUntil(() => scene.logRecords().length === 1, "the background refresh has logged its result");
});

test("a failing background refresh leaves the entry, logs why (never the plugin's stderr), and --status shows it", async (t) => {
  const scene = setScene(t);
  const { sandbox, plugin } = scene;
  await scene.prime();
  // From now on the plugin fails, as an expired SSO session makes aws fail.
  writeFakePlugin(sandbox, plugin.name, { exitCode: 3, stderr: "error: session expired for token-abc\n" });
  scene.openGate();
  const hit = await kccCache(sandbox, [plugin.name], { env: IN_WINDOW });
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1));
  await waitUntil(() => scene.logRecords().length === 1, "the background refresh has logged its result");
  const [record] = scene.logRecords();
  assert.equal(record?.result, "failed");
  assert.match(record?.why ?? "", /the plugin exited 3/);
  assert.ok(!readFileSync(scene.log, "utf8").includes("token-abc"), "the plugin's stderr is not logged");
  assert.equal(statSync(scene.log).mode & 0o777, 0o600, "the log is private");

  const after = await kccCache(sandbox, [plugin.name], {
    env: { ...IN_WINDOW, KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "0" },
  });
  assertOk(after);
  assert.equal(after.stdout, plugin.output(1), "the cached entry is untouched");
  const status = await kccCache(sandbox, ["--status"]);
  assertOk(status);
  assert.match(status.stdout, /background refresh \(last per key\):\n .*failed: the plugin exited 3/);
  const json = await kccCache(sandbox, ["--status", "--json"]);
  const report = JSON.parse(json.stdout) as { backgroundRefresh: { result: string; key: string }[] };
  assert.deepEqual(
    report.backgroundRefresh.map((row) => row.result),
    ["failed"],
  );
});

test("after a failed background refresh, hits start no other for a minute, then one more", async (t) => {
  const scene = setScene(t);
  const { sandbox, plugin } = scene;
  await scene.prime();
  writeFakePlugin(sandbox, plugin.name, { exitCode: 3 });
  scene.openGate();
  const first = await kccCache(sandbox, [plugin.name], { env: IN_WINDOW });
  assertOk(first);
  startedPid(first.stderr);
  await waitUntil(() => scene.logRecords().length === 1, "the failed background refresh has logged");
  const runsAfterFailure = plugin.runs();

  const paused = await kccCache(sandbox, [plugin.name], { env: IN_WINDOW });
  assertOk(paused);
  assert.equal(paused.stdout, plugin.output(1), "still served from the cache");
  assert.match(
    paused.stderr,
    /hit: served for .*; no background refresh: the last one failed, next attempt in 5\ds/,
  );
  assert.doesNotMatch(paused.stderr, /background refresh: started/);

  // As if the minute had passed: the marker beside the lock is dated back.
  const markers = readdirSync(join(dirname(sandbox.cacheFile), "locks")).filter((name) =>
    name.endsWith(".background-failed"),
  );
  assert.equal(markers.length, 1, "the failure left one marker");
  const marker = join(dirname(sandbox.cacheFile), "locks", markers[0] ?? "");
  const minuteAgo = new Date(Date.now() - 61_000);
  utimesSync(marker, minuteAgo, minuteAgo);
  const retried = await kccCache(sandbox, [plugin.name], { env: IN_WINDOW });
  assertOk(retried);
  startedPid(retried.stderr);
  await waitUntil(() => scene.logRecords().length === 2, "the second background refresh has logged");
  assert.equal(plugin.runs(), runsAfterFailure + 1, "one more plugin run, after the pause");
});

test("KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH=0 turns it off", async (t) => {
  const scene = setScene(t);
  const { sandbox, plugin } = scene;
  await scene.prime();
  scene.openGate();
  const off = await kccCache(sandbox, [plugin.name], {
    env: { ...IN_WINDOW, KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "0" },
  });
  assertOk(off);
  assert.equal(off.stdout, plugin.output(1));
  // The refresh would start before kcc-cache exits and say so: its absence is final, no waiting needed.
  assert.doesNotMatch(off.stderr, /background refresh: /);
  assert.equal(plugin.runs(), 1);
  // The same call with the window on does start one (so the check above can tell the two apart).
  const on = await kccCache(sandbox, [plugin.name], { env: IN_WINDOW });
  startedPid(on.stderr);
  await waitUntil(() => scene.logRecords().length === 1, "the background refresh has logged its result");
  assert.equal(plugin.runs(), 2);
});

test("the background mode cannot be triggered by hand: without the handed-over lock it does nothing", async (t) => {
  const scene = setScene(t);
  const { sandbox, plugin } = scene;
  await scene.prime();
  scene.openGate();
  const entry = JSON.stringify(JSON.parse(readFileSync(sandbox.cacheFile, "utf8")));
  const storedAt = /"storedAtMs":(\d+)/.exec(entry)?.[1] ?? "1";
  const forged = await kccCache(sandbox, [plugin.name], {
    env: { ...IN_WINDOW, KCC_INTERNAL_BACKGROUND_REFRESH: storedAt },
  });
  assert.equal(forged.code, 2);
  assert.equal(forged.stdout, "", "never a credential on stdout");
  assert.match(forged.stderr, /not handed a refresh; nothing done/);
  assert.equal(plugin.runs(), 1);
});

const hangingPlugins = [
  {
    what: "ignores SIGTERM",
    ignoreTerm: true,
    why: /^the plugin ran longer than 1s; its process group did not end within 3s of SIGTERM and was killed \(SIGKILL\)$/,
  },
  {
    what: "is a wrapper whose child holds its stdout",
    ignoreTerm: false,
    why: /^the plugin ran longer than 1s; its process group was terminated \(SIGTERM\)$/,
  },
];

for (const { what, ignoreTerm, why } of hangingPlugins) {
  test(`a background plugin past the lock timeout that ${what} is stopped with all it started; the lock is released only then, and a later miss does not wait`, async (t) => {
    const scene = setScene(t);
    const { sandbox, plugin } = scene;
    await scene.prime();
    const pidsFile = writeHangingPlugin(sandbox, plugin.name, { ignoreTerm });
    const pids = (): number[] =>
      existsSync(pidsFile) ? readFileSync(pidsFile, "utf8").split("\n").filter(Boolean).map(Number) : [];
    const hit = await kccCache(sandbox, [plugin.name], {
      env: { ...IN_WINDOW, KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "1s" },
    });
    assertOk(hit);
    assert.equal(hit.stdout, plugin.output(1));
    const refresher = startedPid(hit.stderr);
    await waitUntil(() => pids().length === 2, "the plugin and its child have started");

    await waitUntil(
      () => lockLeftovers(locksDirectory(sandbox)).length === 0,
      "the refresh lock is released",
    );
    // At that moment nothing the plugin started may be left: the lock outlives the plugin, never the reverse.
    for (const pid of pids()) assert.ok(gone(pid), `plugin process ${pid} is gone`);
    assert.deepEqual(
      sandboxProcesses(sandbox).filter((pid) => pid !== refresher),
      [],
      "no process of the plugin's is left",
    );
    await waitUntil(() => !alive(refresher), "the background kcc-cache has exited");
    const records = scene.logRecords();
    assert.deepEqual(
      records.map((record) => record.result),
      ["failed"],
    );
    assert.match(records[0]?.why ?? "", why);

    // A miss now finds the lock free and runs the plugin at once (waiting would say "waiting").
    writeFakePlugin(sandbox, plugin.name, { lifetimes: [40] });
    const miss = await kccCache(sandbox, [plugin.name], {
      env: {
        ...IN_WINDOW,
        KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN: "50s",
        KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "0",
      },
    });
    assertOk(miss, "the later miss");
    assert.match(miss.stderr, /refresh lock: acquired/);
    assert.doesNotMatch(miss.stderr, /waiting|waited/);
    assert.equal(miss.stdout, plugin.output(2), "served the plugin's new credential");
  });
}

test("a background plugin printing without end is stopped past 64 MiB: the log says so, and the cache keeps its entry", async (t) => {
  const scene = setScene(t);
  const { sandbox, plugin } = scene;
  await scene.prime();
  sandbox.writeScript(plugin.name, "#!/bin/sh\nexec cat /dev/zero\n");
  const hit = await kccCache(sandbox, [plugin.name], { env: IN_WINDOW });
  assertOk(hit);
  const refresher = startedPid(hit.stderr);
  await waitUntil(() => !alive(refresher), "the background kcc-cache has exited");
  const records = scene.logRecords();
  assert.deepEqual(
    records.map((record) => record.result),
    ["failed"],
  );
  assert.equal(
    records[0]?.why,
    "the plugin printed more than 64 MiB on stdout, more than any credential; its process group was terminated (SIGTERM)",
  );
  assert.deepEqual(lockLeftovers(locksDirectory(sandbox)), []);
  assert.ok(
    readFileSync(sandbox.cacheFile, "utf8").includes(tokenOf(plugin.output(1))),
    "the cached entry is untouched",
  );
});
