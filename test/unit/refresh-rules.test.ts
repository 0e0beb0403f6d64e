import assert from "node:assert/strict";
import { test } from "node:test";
import {
  backgroundOutcome,
  backgroundSkip,
  isQuietLockFailure,
  servableAfterWait,
  type PluginRefresh,
} from "../../src/core/cache/refresh-rules.js";
import type { CacheEntry } from "../../src/core/cache/cache-entry.js";

/** The rules of a refresh, one row per case (core/cache/refresh-rules.ts). */

const NOW = 1_000_000;
const MARGIN = 30_000;

const afterWait: [
  string,
  { expiresAtMs: number; storedAtMs: number } | undefined,
  number | undefined,
  boolean,
][] = [
  // what, the entry found after waiting, the rejected entry's storedAtMs, may it be served
  ["nothing stored", undefined, undefined, false],
  ["fresh, nothing rejected", { expiresAtMs: NOW + 60_000, storedAtMs: NOW - 1 }, undefined, true],
  ["inside the margin", { expiresAtMs: NOW + MARGIN, storedAtMs: NOW - 1 }, undefined, false],
  ["just outside the margin", { expiresAtMs: NOW + MARGIN + 1, storedAtMs: NOW - 1 }, undefined, true],
  ["expired", { expiresAtMs: NOW - 1, storedAtMs: NOW - 100 }, undefined, false],
  ["the rejected entry itself", { expiresAtMs: NOW + 60_000, storedAtMs: NOW - 10 }, NOW - 10, false],
  ["stored before the rejected one", { expiresAtMs: NOW + 60_000, storedAtMs: NOW - 20 }, NOW - 10, false],
  ["stored after the rejected one", { expiresAtMs: NOW + 60_000, storedAtMs: NOW - 5 }, NOW - 10, true],
];
for (const [what, entry, rejectedAt, expected] of afterWait) {
  test(`servableAfterWait: ${what} -> ${expected ? "serve" : "refresh"}`, () => {
    const rejected = rejectedAt === undefined ? undefined : { storedAtMs: rejectedAt };
    assert.equal(servableAfterWait(entry, NOW, MARGIN, rejected), expected);
  });
}

const lockFailures: [string | undefined, boolean][] = [
  ["ENOSPC", true],
  ["EDQUOT", true],
  ["EROFS", true],
  ["EACCES", true],
  ["EPERM", true],
  ["ELOOP", false],
  ["ENOTDIR", false],
  ["EIO", false],
  [undefined, false],
];
for (const [errno, quiet] of lockFailures) {
  test(`a refresh lock that fails with ${errno ?? "no errno"} is ${quiet ? "a debug line (the store says it)" : "a warning"}`, () => {
    assert.equal(isQuietLockFailure(errno), quiet);
  });
}

const skips: [string, number | undefined, string | undefined][] = [
  // what, the stored entry's storedAtMs (undefined: none), expected skip reason (undefined: go on)
  ["the entry it was started for", 42, undefined],
  ["the entry is gone", undefined, "the entry is gone (cleared or expired)"],
  ["another refresh stored a newer one", 43, "another kcc-cache refreshed it meanwhile"],
  ["an older one is back", 41, "another kcc-cache refreshed it meanwhile"],
];
for (const [what, storedAtMs, why] of skips) {
  test(`backgroundSkip: ${what}`, () => {
    const skip = backgroundSkip(storedAtMs === undefined ? undefined : { storedAtMs }, 42);
    assert.deepEqual(skip, why === undefined ? undefined : { result: "skipped", why });
  });
}

const entry: CacheEntry = {
  credential: "{}",
  expiresAtMs: Date.UTC(2030, 0, 1),
  expirySource: "plugin",
  kind: "token",
  storedAtMs: NOW,
};
const outcomes: [string, PluginRefresh, { result: string; why: string; expires?: string }][] = [
  [
    "stopped past its time",
    {
      kind: "stopped",
      stop: { cause: { kind: "time", limitMs: 60_000 }, target: "group", signal: "SIGKILL", graceMs: 3_000 },
    },
    {
      result: "failed",
      why: "the plugin ran longer than 1m0s; its process group did not end within 3s of SIGTERM and was killed (SIGKILL)",
    },
  ],
  [
    "exit 3",
    { kind: "failed", exitCode: 3, stdout: new Uint8Array() },
    { result: "failed", why: "the plugin exited 3 after 1.2s" },
  ],
  [
    "output kubectl would reject",
    { kind: "not-cached", stdout: new Uint8Array(), reason: "no status" },
    { result: "failed", why: "the plugin's output was not cached: no status" },
  ],
  [
    "a credential too short-lived to keep",
    {
      kind: "credential",
      entry,
      stored: { kind: "not-kept", why: "expires within the margin" },
      lifetime: "x",
    },
    { result: "failed", why: "not stored: expires within the margin" },
  ],
  [
    "a store that failed",
    { kind: "credential", entry, stored: { kind: "store-failed", why: "disk full (ENOSPC)" }, lifetime: "x" },
    { result: "failed", why: "not stored: disk full (ENOSPC)" },
  ],
  [
    "stored",
    { kind: "credential", entry, stored: { kind: "stored" }, lifetime: "x" },
    { result: "refreshed", why: "the plugin ran in 1.2s", expires: "2030-01-01T00:00:00.000Z" },
  ],
];
for (const [what, refresh, expected] of outcomes) {
  test(`backgroundOutcome: ${what} -> ${expected.result}`, () => {
    assert.deepEqual(backgroundOutcome(refresh, "1.2s"), expected);
  });
}
