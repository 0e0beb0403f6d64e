import assert from "node:assert/strict";
import { test } from "node:test";
import { STALE_AFTER_MS } from "../../src/core/cache/lock-staleness.js";
import { cacheFileLockWaitMs, pollDelayMs, type PollPacing } from "../../src/core/cache/lock-wait.js";

const FILE: PollPacing = { firstMs: 5, capMs: 100 };
const FIXED: PollPacing = { firstMs: 25, capMs: 25 };
const JUST_BELOW_ONE = 1 - Number.EPSILON;

const delays: [pacing: PollPacing, attempt: number, random: number, delayMs: number][] = [
  // pacing, looks so far, random draw, pause
  [FILE, 0, 0, 5],
  [FILE, 0, JUST_BELOW_ONE, 5],
  [FILE, 1, 0, 5],
  [FILE, 1, 0.5, 7],
  [FILE, 1, JUST_BELOW_ONE, 9],
  [FILE, 2, JUST_BELOW_ONE, 19],
  [FILE, 4, JUST_BELOW_ONE, 79],
  [FILE, 5, JUST_BELOW_ONE, 99],
  [FILE, 5, 0, 5],
  [FILE, 1_000, JUST_BELOW_ONE, 99],
  [FILE, 1_000, 0.5, 52],
  [FIXED, 0, JUST_BELOW_ONE, 25],
  [FIXED, 7, JUST_BELOW_ONE, 25],
  [{ firstMs: 50, capMs: 10 }, 3, JUST_BELOW_ONE, 50],
];

for (const [pacing, attempt, random, delayMs] of delays) {
  test(`pollDelayMs: ${pacing.firstMs}..${pacing.capMs} ms, after ${attempt} looks, draw ${random.toFixed(2)} → ${delayMs} ms`, () => {
    assert.equal(pollDelayMs(attempt, pacing, random), delayMs);
  });
}

const waits: [lockTimeoutMs: number, waitMs: number][] = [
  [60_000, 60_000],
  [3_600_000, 3_600_000],
  [2 * STALE_AFTER_MS, 2 * STALE_AFTER_MS],
  [2 * STALE_AFTER_MS - 1, 2 * STALE_AFTER_MS],
  [1_000, 2 * STALE_AFTER_MS],
  [0, 2 * STALE_AFTER_MS],
];

for (const [lockTimeoutMs, waitMs] of waits) {
  test(`cacheFileLockWaitMs: KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT ${lockTimeoutMs} ms → waits ${waitMs} ms`, () => {
    assert.equal(cacheFileLockWaitMs(lockTimeoutMs), waitMs);
  });
}
