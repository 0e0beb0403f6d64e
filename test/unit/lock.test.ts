// The refresh lock on real files: taken, waited for with a bounded clock, broken when its holder is
// gone, and released only by its own holder. The clock is the test's; nothing here sleeps.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import {
  acquireLock,
  claimLockNow,
  releaseHeldLocks,
  type LockOptions,
} from "../../src/io/locks/refresh-lock.js";
import { useTempDir } from "./support/temp-dir.js";

function lockPath(t: TestContext): string {
  // Registered first: hooks run in order, so the locks are released before the directory goes.
  t.after(() => {
    releaseHeldLocks();
  });
  const dir = useTempDir(t, "kcc-lock-");
  return join(dir, "key.lock");
}

/** A clock that moves `stepMs` each time it is read, from the real present (lock mtimes are real). */
function steppingClock(stepMs: number): () => number {
  let now = Date.now();
  return () => (now += stepMs);
}

const options = (overrides: Partial<LockOptions> = {}): LockOptions => ({
  timeoutMs: 1_000,
  pollMs: 1,
  now: steppingClock(0),
  isSatisfied: () => Promise.resolve(false),
  ...overrides,
});

/** A PID that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(child.stdout.trim());
}

test("a free lock is taken at once, names its holder, and is removed on release", async (t) => {
  const path = lockPath(t);
  const outcome = await acquireLock(path, options());
  assert.equal(outcome.kind, "acquired");
  assert.equal((JSON.parse(readFileSync(path, "utf8")) as { pid: number }).pid, process.pid);
  assert.deepEqual(
    readdirSync(join(path, "..")).filter((name) => name.endsWith(".tmp")),
    [],
    "published without a temp file left",
  );
  if (outcome.kind === "acquired") outcome.release();
  assert.equal(existsSync(path), false);
});

test("a held lock is waited for until the clock passes the timeout, or until the work is done", async (t) => {
  const path = lockPath(t);
  const first = await acquireLock(path, options());
  assert.equal(first.kind, "acquired");
  const debug: string[] = [];
  const timedOut = await acquireLock(
    path,
    options({ now: steppingClock(100), debug: (line) => debug.push(line) }),
  );
  assert.deepEqual(timedOut, { kind: "timeout", holder: JSON.parse(readFileSync(path, "utf8")) as unknown });
  assert.equal(debug.length, 1, "the wait is explained once");
  assert.match(debug[0] ?? "", /waiting, its holder is alive/);
  let checks = 0;
  const satisfied = await acquireLock(
    path,
    options({ timeoutMs: 60_000, isSatisfied: () => Promise.resolve((checks += 1) === 3) }),
  );
  assert.deepEqual(satisfied, { kind: "satisfied" });
  assert.equal(checks, 3);
});

test("a lock whose holder has exited, or that names no holder and is old, is broken and taken", async (t) => {
  const path = lockPath(t);
  writeFileSync(path, JSON.stringify({ pid: deadPid(), start: "1" }));
  const debug: string[] = [];
  const taken = await acquireLock(path, options({ debug: (line) => debug.push(line) }));
  assert.equal(taken.kind, "acquired");
  assert.match(debug.join("\n"), /breaking it, its holder has exited/);
  if (taken.kind === "acquired") taken.release();

  writeFileSync(path, "");
  const fresh = await acquireLock(path, options({ now: steppingClock(0), timeoutMs: 0 }));
  assert.equal(fresh.kind, "timeout", "an empty lock younger than the bound is still respected");
  const before = new Date(Date.now() - 5_000);
  utimesSync(path, before, before);
  const later = await acquireLock(path, options());
  assert.equal(later.kind, "acquired", "an empty lock older than the bound is broken");
});

for (const offsetMs of [30_000, -30_000, 3_600_000]) {
  test(`a live holder's lock is judged on the file system's clock, whatever ours says (ours ${offsetMs / 1000}s off)`, async (t) => {
    const path = lockPath(t);
    // A live process that never beats (no start time: liveness rests on the mtime), just published.
    const theirs = JSON.stringify({ pid: process.ppid });
    writeFileSync(path, theirs);
    const skewed = steppingClock(100);
    const outcome = await acquireLock(path, options({ now: () => skewed() + offsetMs }));
    assert.equal(outcome.kind, "timeout", "waited for, not broken");
    assert.equal(readFileSync(path, "utf8"), theirs);
  });
}

test("a holder whose lock was broken and taken over does not remove the new holder's lock", async (t) => {
  const path = lockPath(t);
  const first = await acquireLock(path, options());
  assert.equal(first.kind, "acquired");
  // Another process broke it (as it would after ten missed heartbeats) and holds it now.
  rmSync(path);
  const theirs = JSON.stringify({ pid: process.ppid, start: "other" });
  writeFileSync(path, theirs);
  if (first.kind === "acquired") first.release();
  assert.equal(readFileSync(path, "utf8"), theirs);
});

const holderOf = (path: string): { pid: number; start?: string } =>
  JSON.parse(readFileSync(path, "utf8")) as { pid: number; start?: string };
const tempFiles = (path: string): string[] =>
  readdirSync(join(path, "..")).filter((name) => name.endsWith(".tmp"));

test("a lock claimed without waiting names this process, then the process it is handed to", (t) => {
  const path = lockPath(t);
  const claim = claimLockNow(path);
  assert.ok(claim, "a free lock is claimed");
  assert.equal(holderOf(path).pid, process.pid);
  claim.handOff({ pid: process.ppid, start: "12345" });
  assert.deepEqual(holderOf(path), { pid: process.ppid, start: "12345" });
  assert.deepEqual(tempFiles(path), [], "no temp file left");
  claim.release();
  assert.ok(existsSync(path), "after the hand-off the lock is the new holder's: release leaves it");
});

test("a held lock is not claimed, and its holder's file is left as it was", async (t) => {
  const path = lockPath(t);
  const held = await acquireLock(path, options());
  assert.equal(held.kind, "acquired");
  const before = readFileSync(path, "utf8");
  assert.equal(claimLockNow(path), undefined);
  assert.equal(readFileSync(path, "utf8"), before);
  assert.deepEqual(tempFiles(path), []);
});

test("a claim given up is removed, unless someone else's lock has replaced it", (t) => {
  const path = lockPath(t);
  const claim = claimLockNow(path);
  assert.ok(claim);
  claim.release();
  assert.equal(existsSync(path), false, "released: the lock is gone");
  const again = claimLockNow(path);
  assert.ok(again, "and free again");
  rmSync(path);
  const theirs = JSON.stringify({ pid: process.ppid, start: "other" });
  writeFileSync(path, theirs);
  again.release();
  assert.equal(readFileSync(path, "utf8"), theirs);
});
