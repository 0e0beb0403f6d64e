import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { isFresh, planCacheLifetime } from "../../src/core/cache/freshness.js";
import { type CallerFacts, type ServeDecision, decideServe } from "../../src/core/cache/serve-decision.js";
import { servedLine } from "../../src/core/cache/caller-identity.js";
import { configureProperties } from "./seed.js";

configureProperties(5000);

const ms = fc.integer({ min: 0, max: 10 * 365 * 86_400_000 });
const small = fc.integer({ min: 0, max: 3_600_000 });
/** Two instants, the first no later than the second. */
const times = fc.tuple(ms, ms).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
const policy = fc.record({
  refreshMarginMs: small,
  backgroundRefreshMs: small,
  selfHeal: fc.boolean(),
});
const entry = fc.record({ expiresAtMs: ms, storedAtMs: ms });
/** Who asks: nobody tracked, a kubectl never given this entry, or the one it was given to (a 401 retry). */
const asker = fc.constantFrom("untracked", "new", "served");
const KUBECTL = { pid: 4242, start: "1", exe: "/usr/bin/kubectl" };
function callerFacts(kind: string, storedAtMs: number): CallerFacts | undefined {
  if (kind === "untracked") return undefined;
  return { current: KUBECTL, servedLog: kind === "served" ? servedLine(KUBECTL, storedAtMs) : undefined };
}

/** No background refresh has failed: the window decides alone. */
const NO_FAILURE = { failedAtMs: undefined };

/** How much a decision still serves: a later instant may only move down this scale. */
function rank(decision: ServeDecision): number {
  switch (decision.kind) {
    case "hit":
      return 3;
    case "hit-and-refresh":
    case "check-background":
      return 2;
    case "rejected":
      return 1;
    case "miss":
      return decision.reason === "no-entry" ? -1 : decision.reason === "within-margin" ? 0 : -2;
  }
}

test("freshness is monotonic in time: once stale, stale at every later instant", () => {
  fc.assert(
    fc.property(ms, times, small, (expiresAtMs, [earlier, later], margin) => {
      if (isFresh(expiresAtMs, later, margin)) assert.ok(isFresh(expiresAtMs, earlier, margin));
    }),
  );
});

test("the serve decision only degrades with time (hit, then hit-and-refresh, then miss, then expired)", () => {
  fc.assert(
    fc.property(entry, times, policy, asker, (e, [earlier, later], p, who) => {
      const c = callerFacts(who, e.storedAtMs);
      const before = decideServe(e, earlier, p, c, NO_FAILURE);
      const after = decideServe(e, later, p, c, NO_FAILURE);
      assert.ok(rank(after) <= rank(before), `${before.kind} at ${earlier}, ${after.kind} at ${later}`);
      if ("servedForMs" in before && "servedForMs" in after)
        assert.ok(after.servedForMs <= before.servedForMs);
    }),
  );
});

test("a served credential always has its refresh margin still ahead", () => {
  fc.assert(
    fc.property(entry, ms, policy, asker, (e, now, p, who) => {
      const decision = decideServe(e, now, p, callerFacts(who, e.storedAtMs), NO_FAILURE);
      if (decision.kind === "hit" || decision.kind === "hit-and-refresh")
        assert.ok(isFresh(e.expiresAtMs, now, p.refreshMarginMs));
    }),
  );
});

test("a credential is kept only while it is fresh, and never past the plugin's own expiry", () => {
  const expiry = fc.record({ refreshMarginMs: small, defaultTtlMs: small, noExpiryThresholdMs: small });
  fc.assert(
    fc.property(fc.option(ms, { nil: undefined }), ms, expiry, (pluginExpiry, now, p) => {
      const lifetime = planCacheLifetime(pluginExpiry, now, p);
      if (!lifetime.cacheable) return;
      assert.ok(isFresh(lifetime.expiresAtMs, now, p.refreshMarginMs));
      if (lifetime.source === "plugin") assert.equal(lifetime.expiresAtMs, pluginExpiry);
    }),
  );
});
