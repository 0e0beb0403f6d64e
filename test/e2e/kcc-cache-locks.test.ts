import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { API_V1BETA1, isoIn, shq, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, startKccCache, useSandbox } from "./support/kcc-cache.js";
import { lockLeftovers, locksDirectory, refreshLockName, requirePrivateTmpfs } from "./support/locks.js";
import { run, type RunResult } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";
import { waitUntil } from "./support/wait.js";

// A lock timeout no test waits out: an implementation that waits on a lock it should break hangs
// until the call's own bound kills it, and the test fails instead of passing slowly.
const FOREVER = { KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "1h", KUBE_CREDENTIAL_CACHE_DEBUG: "1" };
const CALL_BOUND_MS = 30_000;

/**
 * kcc-cache started directly (no intermediate shell), so that past its bound the kill reaches it
 * rather than leaving it orphaned with the test's pipes open.
 */
function boundedCall(sandbox: Sandbox, argv: string[], env: Record<string, string>): Promise<RunResult> {
  return startKccCache(sandbox, argv, { env, timeoutMs: CALL_BOUND_MS }).result;
}

/** Plants a lock file as another kcc-cache would have left it, its mtime (last heartbeat) `ageMs` ago. */
function plantLock(path: string, content: string, ageMs: number): void {
  mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600 });
  const then = new Date(Date.now() - ageMs);
  utimesSync(path, then, then);
}

test("a lock naming a live PID without a start time, silent for a minute, is broken (liveness without /proc)", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "silent-holder", { gate });
  const lock = join(locksDirectory(sandbox), await refreshLockName(sandbox, plugin, gate));
  // This test's own PID: alive for sure. No start time, as kcc-cache writes where /proc is missing (macOS).
  plantLock(lock, JSON.stringify({ pid: process.pid }), 60_000);

  const result = await boundedCall(sandbox, [plugin.path], FOREVER);
  assertOk(result);
  assert.equal(result.stdout, plugin.output(2), "the plugin ran for this call");
  assert.match(result.stderr, /breaking it, no heartbeat for 6\d\.\ds/);
  assert.match(result.stderr, /refresh lock: acquired/);
  assert.deepEqual(lockLeftovers(locksDirectory(sandbox)), []);
});

test("a lock naming a live PID without a start time but a recent heartbeat is waited for", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "beating-holder", { gate });
  const lock = join(locksDirectory(sandbox), await refreshLockName(sandbox, plugin, gate));
  const planted = JSON.stringify({ pid: process.pid });
  plantLock(lock, planted, 0);

  const result = await boundedCall(sandbox, [plugin.path], {
    KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "1s",
    KUBE_CREDENTIAL_CACHE_DEBUG: "1",
  });
  assertOk(result);
  assert.equal(result.stdout, plugin.output(2));
  assert.match(result.stderr, /waiting, its holder is alive/);
  assert.match(result.stderr, /refresh lock: timeout/);
  assert.match(
    result.stderr,
    new RegExp(`waited 1s for another kcc-cache \\(pid ${process.pid}\\).*running the plugin myself`),
  );
  assert.equal(readFileSync(lock, "utf8"), planted, "someone else's live lock is left alone");
});

test("an empty lock left by an older kcc-cache is broken after a short bound", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "empty-lock", { gate });
  const lock = join(locksDirectory(sandbox), await refreshLockName(sandbox, plugin, gate));
  plantLock(lock, "", 3_000);

  const result = await boundedCall(sandbox, [plugin.path], FOREVER);
  assertOk(result);
  assert.equal(result.stdout, plugin.output(2));
  assert.match(result.stderr, /breaking it, it names no holder and is 3\.\ds old/);
  assert.deepEqual(lockLeftovers(locksDirectory(sandbox)), []);
});

test("a holder keeps its lock alive: its mtime moves while the plugin runs", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "beating", { gate });
  const holder = startKccCache(sandbox, [plugin.path], { env: FOREVER, timeoutMs: CALL_BOUND_MS });
  t.after(() => {
    if (holder.child.exitCode === null) holder.child.kill("SIGKILL");
  });
  await plugin.waitForRuns(1);
  const [name] = lockLeftovers(locksDirectory(sandbox));
  assert.ok(name !== undefined, "the holder's lock");
  const lock = join(locksDirectory(sandbox), name);
  const first = statSync(lock).mtimeMs;
  // The heartbeat is what tells waiters, on any platform, that a long plugin run (a browser login)
  // is still going: without it the lock would be broken under a live holder.
  await waitUntil(() => statSync(lock).mtimeMs > first, "the lock's mtime has moved");
  writeFileSync(gate, "");
  assertOk(await holder.result);
  assert.deepEqual(lockLeftovers(locksDirectory(sandbox)), [], "released");
});

const PARALLEL = 20;

test(`on a full disk, ${PARALLEL} parallel cold calls each run the plugin at once and leave no lock behind`, async (t) => {
  const sandbox = useSandbox(t);
  const mount = join(sandbox.dir, "full");
  const out = join(sandbox.dir, "out");
  mkdirSync(mount);
  mkdirSync(out);
  if (!requirePrivateTmpfs(t, mount)) return;
  // Not writeFakePlugin: its run numbering is not meant for parallel runs. Each run here prints
  // its own PID in the token and notes it, so that every caller's credential is traced to one run.
  const runs = join(sandbox.dir, "full-disk-runs");
  const plugin = sandbox.writeScript(
    "full-disk",
    [
      "#!/bin/sh",
      `printf '%s\\n' "$$" >> ${shq(runs)}`,
      `printf '{"kind":"ExecCredential","apiVersion":"${API_V1BETA1}","spec":{},"status":{"expirationTimestamp":"${isoIn(3_600_000)}","token":"full-disk-secret-%s"}}\\n' "$$"`,
      "",
    ].join("\n"),
  );
  const cacheDirectory = join(mount, "cache");
  // In a mount namespace of its own: a tiny tmpfs holding the cache directory, filled to the last
  // byte before the calls start. Each call is bounded so that none outlives the test. What the
  // calls print, and what is left in the cache directory, is kept outside the tmpfs.
  const script = [
    "set -u",
    `mount -t tmpfs -o size=256k tmpfs ${shq(mount)} || exit 90`,
    `mkdir -m 700 ${shq(cacheDirectory)} ${shq(join(cacheDirectory, "locks"))} || exit 91`,
    `dd if=/dev/zero of=${shq(join(mount, "filler"))} bs=4096 2>/dev/null`,
    `if printf x 2>/dev/null > ${shq(join(mount, "probe"))}; then exit 92; fi`,
    `rm -f ${shq(join(mount, "probe"))}`,
    "i=1",
    `while [ $i -le ${PARALLEL} ]; do`,
    `  timeout -s KILL 40 ${shq(kccBin("kcc-cache"))} ${shq(plugin)} > ${shq(out)}/$i.out 2> ${shq(out)}/$i.err &`,
    '  eval "pid$i=$!"',
    "  i=$((i + 1))",
    "done",
    "i=1",
    `while [ $i -le ${PARALLEL} ]; do eval "wait \\$pid$i"; echo $? > ${shq(out)}/$i.code; i=$((i + 1)); done`,
    `ls -A ${shq(cacheDirectory)} ${shq(join(cacheDirectory, "locks"))} > ${shq(out)}/left`,
  ].join("\n");
  const namespace = await run("unshare", ["-m", "sh", "-c", script], {
    env: {
      ...sandbox.env,
      ...FOREVER,
      KUBE_CREDENTIAL_CACHE_FILE: join(cacheDirectory, "cache.json"),
    },
    timeoutMs: 50_000,
  });
  assert.equal(namespace.code, 0, `the full-disk scenario ran: ${namespace.stderr}`);

  const pids = readFileSync(runs, "utf8").split("\n").filter(Boolean);
  assert.equal(pids.length, PARALLEL, "each call ran the plugin (nothing can be cached on a full disk)");
  for (let call = 1; call <= PARALLEL; call += 1) {
    const code = readFileSync(join(out, `${call}.code`), "utf8").trim();
    const stdout = readFileSync(join(out, `${call}.out`), "utf8");
    const stderr = readFileSync(join(out, `${call}.err`), "utf8");
    assert.equal(code, "0", `call ${call} exited 0:\n${stderr}`);
    const token = (JSON.parse(stdout) as { status: { token: string } }).status.token;
    assert.ok(
      pids.includes(token.replace("full-disk-secret-", "")),
      `a plugin run's own credential: ${token}`,
    );
    // Deterministic: a lock is never published without its holder, so nobody finds one to wait on.
    assert.doesNotMatch(stderr, /: waiting, /, `call ${call} waited on a lock:\n${stderr}`);
    const warnings = stderr.split("\n").filter((line) => line.includes("refresh lock unavailable"));
    assert.equal(warnings.length, 1, stderr);
    assert.match(
      warnings[0] ?? "",
      /refresh lock unavailable: no space left on device \(ENOSPC\); running the plugin without it$/,
    );
  }
  const left = readFileSync(join(out, "left"), "utf8")
    .split("\n")
    .filter((name) => name.endsWith(".lock") || name.endsWith(".tmp"));
  assert.deepEqual(left, [], "no lock and no temp file stays behind");
  assert.deepEqual(readdirSync(mount), [], "the tmpfs was private to the scenario");
});

test("a lock's temp file left by a holder killed mid-publication is removed by the next holder", async (t) => {
  const sandbox = useSandbox(t);
  const gate = join(sandbox.dir, "gate");
  const plugin = writeFakePlugin(sandbox, "abandoned-publication", { gate });
  const locks = locksDirectory(sandbox);
  const lock = await refreshLockName(sandbox, plugin, gate);
  // A PID that has just exited: what a kcc-cache killed with kill -9 between creating its private
  // temp file and linking it leaves, for the key's refresh lock and for the cache file's own lock.
  const gone = spawnSync("true").pid;
  mkdirSync(locks, { recursive: true, mode: 0o700 });
  const keyTemp = join(locks, `${lock}.${gone}-0badc0de.tmp`);
  const fileTemp = join(dirname(sandbox.cacheFile), `cache.json.lock.${gone}-0badc0de.tmp`);
  const someoneElses = join(locks, `${lock}.${process.pid}-0badc0de.tmp`); // alive, and fresh: left alone
  for (const path of [keyTemp, fileTemp, someoneElses]) writeFileSync(path, JSON.stringify({ pid: gone }));

  const result = await boundedCall(sandbox, [plugin.path], FOREVER);
  assertOk(result);
  assert.equal(result.stdout, plugin.output(2), "a miss: both locks were taken");
  assert.deepEqual(
    [keyTemp, fileTemp, someoneElses].filter((path) => existsSync(path)),
    [someoneElses],
    "the dead holders' temp files are gone, the live one's stays",
  );
});
