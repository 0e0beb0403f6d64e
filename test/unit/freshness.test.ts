import assert from "node:assert/strict";
import { test } from "node:test";
import { isFresh, planCacheLifetime, type ExpiryPolicy } from "../../src/core/cache/freshness.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const policy: ExpiryPolicy = { refreshMarginMs: 30_000, defaultTtlMs: HOUR, noExpiryThresholdMs: 24 * HOUR };
const now = Date.UTC(2026, 10, 28, 12);

test("isFresh serves while expiry minus margin is in the future", () => {
  const cases: [number, number, boolean][] = [
    [now + 14 * MIN, 30_000, true],
    [now + 31_000, 30_000, true],
    [now + 30_000, 30_000, false],
    [now + 29_000, 30_000, false],
    [now - 1, 0, false],
    [now + 1, 0, true],
    [now + 14 * MIN, 15 * MIN, false],
  ];
  for (const [expiresAtMs, margin, fresh] of cases) {
    assert.equal(isFresh(expiresAtMs, now, margin), fresh, `${expiresAtMs - now}ms left, margin ${margin}`);
  }
});

test("planCacheLifetime keeps the plugin's expiry, or the default TTL when there is none", () => {
  const zeroTime = -62_135_596_800_000;
  const cases: [
    string,
    number | undefined,
    ExpiryPolicy,
    ReturnType<typeof planCacheLifetime>["cacheable"],
    number?,
    string?,
  ][] = [
    ["plugin expiry", now + 14 * MIN, policy, true, now + 14 * MIN, "plugin"],
    ["missing expiry", undefined, policy, true, now + HOUR, "default-ttl"],
    ["Go zero time", zeroTime, policy, true, now + HOUR, "default-ttl"],
    ["beyond the threshold", now - 25 * HOUR, policy, true, now + HOUR, "default-ttl"],
    ["recently expired", now - 23 * HOUR, policy, false],
    ["just expired", now - 1, policy, false],
    ["inside the margin", now + 10_000, policy, false],
    ["custom TTL", undefined, { ...policy, defaultTtlMs: 5 * MIN }, true, now + 5 * MIN, "default-ttl"],
    [
      "custom threshold",
      now - 2 * HOUR,
      { ...policy, noExpiryThresholdMs: HOUR },
      true,
      now + HOUR,
      "default-ttl",
    ],
    ["TTL shorter than the margin", undefined, { ...policy, defaultTtlMs: 10_000 }, false],
  ];
  for (const [what, expiry, p, cacheable, expiresAtMs, source] of cases) {
    const lifetime = planCacheLifetime(expiry, now, p);
    assert.equal(lifetime.cacheable, cacheable, what);
    if (lifetime.cacheable) {
      assert.equal(lifetime.expiresAtMs, expiresAtMs, what);
      assert.equal(lifetime.source, source, what);
    }
  }
});
