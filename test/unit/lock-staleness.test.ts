import assert from "node:assert/strict";
import { test } from "node:test";
import {
  judgeLock,
  STALE_AFTER_MS as STALE,
  UNNAMED_STALE_AFTER_MS as UNNAMED,
  type LockSighting,
} from "../../src/core/cache/lock-staleness.js";

test("judgeLock breaks a lock whose holder is gone or silent, and only then", () => {
  const cases: [LockSighting["holder"], boolean, LockSighting["startTime"], number, boolean, RegExp][] = [
    // holder, PID alive, start time, age (ms), stale, why
    ["named", true, "matches", 0, false, /alive/],
    ["named", true, "unknown", 0, false, /alive/],
    ["named", true, "matches", STALE, false, /alive/],
    ["named", true, "unknown", STALE, false, /alive/],
    ["named", true, "matches", STALE + 1, true, /no heartbeat/],
    ["named", true, "unknown", STALE + 1, true, /no heartbeat/],
    ["named", true, "unknown", 3_600_000, true, /no heartbeat for 3600\.0s/],
    ["named", false, "unknown", 0, true, /exited/],
    ["named", false, "matches", 0, true, /exited/],
    ["named", true, "differs", 0, true, /PID reused/],
    ["named", true, "unknown", -STALE, false, /alive/],
    ["named", true, "unknown", -STALE - 1, true, /future/],
    ["unnamed", false, "unknown", 0, false, /no holder yet/],
    ["unnamed", true, "unknown", UNNAMED, false, /no holder yet/],
    ["unnamed", false, "unknown", UNNAMED + 1, true, /names no holder/],
    ["unnamed", false, "unknown", STALE + 1, true, /no heartbeat/],
    ["unnamed", false, "unknown", -STALE - 1, true, /future/],
    ["hidden", false, "unknown", 0, false, /another user/],
    ["hidden", false, "unknown", STALE, false, /another user/],
    ["hidden", false, "unknown", STALE + 1, true, /no heartbeat/],
    ["hidden", false, "unknown", -STALE - 1, true, /future/],
  ];
  for (const [holder, pidAlive, startTime, ageMs, stale, why] of cases) {
    const verdict = judgeLock({ holder, pidAlive, startTime, ageMs });
    const label = `${holder} alive=${pidAlive} start=${startTime} age=${ageMs}`;
    assert.equal(verdict.stale, stale, label);
    assert.match(verdict.why, why, label);
  }
});
