import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ABANDONED_AFTER_MS as ABANDONED,
  isAbandonedPublication,
  judgeLock,
  STALE_AFTER_MS as STALE,
  UNNAMED_STALE_AFTER_MS as UNNAMED,
  type LockSighting,
} from "../../src/core/cache/lock-staleness.js";

// The process's own clock, which the rule never reads: the rows whose file-system clock is 30 s
// (or an hour) off it are judged exactly as the rows where both agree.
const OURS = Date.UTC(2026, 0, 15, 12);
const AHEAD = OURS + 30_000;
const BEHIND = OURS - 30_000;
const HOUR_AHEAD = OURS + 3_600_000;

type Row = [
  holder: LockSighting["holder"],
  pidAlive: boolean,
  startTime: LockSighting["startTime"],
  fsNowMs: number,
  ageMs: number,
  stale: boolean,
  why: RegExp,
];

const rows: Row[] = [
  // holder, PID alive, start time, the file system's clock now, lock age on that clock, stale, why
  ["named", true, "matches", OURS, 0, false, /alive/],
  ["named", true, "unknown", OURS, 0, false, /alive/],
  ["named", true, "matches", OURS, STALE, false, /alive/],
  ["named", true, "unknown", OURS, STALE, false, /alive/],
  ["named", true, "matches", OURS, STALE + 1, true, /no heartbeat/],
  ["named", true, "unknown", OURS, STALE + 1, true, /no heartbeat/],
  ["named", true, "unknown", OURS, 3_600_000, true, /no heartbeat for 3600\.0s/],
  ["named", false, "unknown", OURS, 0, true, /exited/],
  ["named", false, "matches", OURS, 0, true, /exited/],
  ["named", true, "differs", OURS, 0, true, /PID reused/],
  ["named", true, "unknown", OURS, -STALE, false, /alive/],
  ["named", true, "unknown", OURS, -STALE - 1, true, /future/],
  ["unnamed", false, "unknown", OURS, 0, false, /no holder yet/],
  ["unnamed", true, "unknown", OURS, UNNAMED, false, /no holder yet/],
  ["unnamed", false, "unknown", OURS, UNNAMED + 1, true, /names no holder/],
  ["unnamed", false, "unknown", OURS, STALE + 1, true, /no heartbeat/],
  ["unnamed", false, "unknown", OURS, -STALE - 1, true, /future/],
  ["hidden", false, "unknown", OURS, 0, false, /another user/],
  ["hidden", false, "unknown", OURS, STALE, false, /another user/],
  ["hidden", false, "unknown", OURS, STALE + 1, true, /no heartbeat/],
  ["hidden", false, "unknown", OURS, -STALE - 1, true, /future/],
  // The file system's clock 30 s ahead of ours (a network home's server, or libfaketime -30s on us):
  // a lock beaten a second ago is alive, one silent for longer than the bound is not.
  ["named", true, "matches", AHEAD, 1_000, false, /alive \(heartbeat 1\.0s ago\)/],
  ["named", true, "matches", AHEAD, STALE, false, /alive/],
  ["named", true, "matches", AHEAD, STALE + 1, true, /no heartbeat for 10\.0s/],
  ["unnamed", false, "unknown", AHEAD, 1_000, false, /no holder yet/],
  ["hidden", false, "unknown", AHEAD, 1_000, false, /another user/],
  ["hidden", false, "unknown", AHEAD, STALE + 1, true, /no heartbeat/],
  // ...and 30 s behind ours (libfaketime +30s on us).
  ["named", true, "matches", BEHIND, 1_000, false, /alive \(heartbeat 1\.0s ago\)/],
  ["named", true, "matches", BEHIND, -1_000, false, /alive/],
  ["named", true, "matches", BEHIND, STALE + 1, true, /no heartbeat/],
  ["named", true, "matches", BEHIND, -STALE - 1, true, /future/],
  ["unnamed", false, "unknown", BEHIND, 1_000, false, /no holder yet/],
  ["hidden", false, "unknown", BEHIND, 1_000, false, /another user/],
  ["hidden", false, "unknown", BEHIND, STALE + 1, true, /no heartbeat/],
  // An hour apart: still only the lock's own age counts.
  ["named", true, "unknown", HOUR_AHEAD, 0, false, /alive/],
  ["named", false, "unknown", HOUR_AHEAD, 0, true, /exited/],
];

for (const [holder, pidAlive, startTime, fsNowMs, ageMs, stale, why] of rows) {
  const clock = fsNowMs === OURS ? "" : ` fs clock ${(fsNowMs - OURS) / 1000}s off ours`;
  test(`judgeLock: ${holder} alive=${pidAlive} start=${startTime} age=${ageMs}${clock} → ${stale ? "stale" : "held"}`, () => {
    const verdict = judgeLock({ holder, pidAlive, startTime, mtimeMs: fsNowMs - ageMs, fsNowMs });
    assert.equal(verdict.stale, stale);
    assert.match(verdict.why, why);
  });
}

const publications: [writerAlive: boolean, fsNowMs: number, ageMs: number, abandoned: boolean][] = [
  [false, OURS, 0, true],
  [true, OURS, 0, false],
  [true, OURS, ABANDONED, false],
  [true, OURS, ABANDONED + 1, true],
  [true, AHEAD, 1_000, false],
  [true, BEHIND, 1_000, false],
  [true, OURS + 120_000, 1_000, false],
  [true, BEHIND, ABANDONED + 1, true],
];

for (const [writerAlive, fsNowMs, ageMs, abandoned] of publications) {
  const clock = fsNowMs === OURS ? "" : ` fs clock ${(fsNowMs - OURS) / 1000}s off ours`;
  test(`isAbandonedPublication: writer alive=${writerAlive} age=${ageMs}${clock} → ${abandoned}`, () => {
    assert.equal(isAbandonedPublication(writerAlive, fsNowMs - ageMs, fsNowMs), abandoned);
  });
}
