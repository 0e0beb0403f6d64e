import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { assertOk } from "../e2e/support/kcc-cache.js";
import { useInProcessCache, type InProcessCall, type InProcessResult } from "./support/in-process-cache.js";

/**
 * When kcc-cache serves a cached credential and when it runs the plugin again, case by case, run
 * in-process on a fixed clock: the plugins print expiries relative to it, so no case depends on how
 * long the previous call took. The cases probe the decision by moving the margin, as the end-to-end
 * tests (which keep two of them) do.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2030, 0, 1, 12);
const MARGIN = "KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN";

/** Whole seconds, like `aws eks get-token` prints. */
const isoAt = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * kcc-cache at T0. A hit inside the background window would hand off a refresh; that is tested on its
 * own, so it is off here and every decision is the foreground one.
 */
function useCache(t: TestContext): {
  sandbox: ReturnType<typeof useInProcessCache>["sandbox"];
  call: (argv: readonly string[], env?: Record<string, string>) => Promise<InProcessResult>;
} {
  const cache = useInProcessCache(t);
  return {
    sandbox: cache.sandbox,
    call: (argv, env = {}) => {
      const options: InProcessCall = {
        env: { KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "0", ...env },
        now: T0,
      };
      return cache.call(argv, options);
    },
  };
}

test("a credential expiring inside the default 30s refresh margin is fetched again", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "short-lived", { expirationTimestamp: isoAt(T0 + 20_000) });
  const first = await cache.call([plugin.path]);
  assertOk(first);
  assert.equal(first.stdout, plugin.output(1), "the plugin's credential still reaches kubectl");
  assertOk(await cache.call([plugin.path]));
  assert.equal(plugin.runs(), 2);
});

test("a credential expiring well after the margin is served from the cache", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "long-lived", { expirationTimestamp: isoAt(T0 + 5 * MIN) });
  assertOk(await cache.call([plugin.path]));
  assertOk(await cache.call([plugin.path]));
  assert.equal(plugin.runs(), 1);
});

test("a smaller KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN keeps a credential the default would refetch", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "small-margin", { expirationTimestamp: isoAt(T0 + 20_000) });
  const env = { [MARGIN]: "5s" };
  assertOk(await cache.call([plugin.path], env));
  assertOk(await cache.call([plugin.path], env));
  assert.equal(plugin.runs(), 1);
});

test("a larger KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN refetches a credential the default would keep", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "large-margin", {
    expirationTimestamp: isoAt(T0 + 10 * MIN),
  });
  assertOk(await cache.call([plugin.path]));
  assertOk(await cache.call([plugin.path]));
  assert.equal(plugin.runs(), 1, "cached with the default margin");
  assertOk(await cache.call([plugin.path], { [MARGIN]: "1h30m" }));
  assert.equal(plugin.runs(), 2, "a 90 minute margin makes a 10 minute credential due");
});

test("the stored expiry is the plugin's (the margin brackets it)", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "bracketed", { expirationTimestamp: isoAt(T0 + 10 * MIN) });
  assertOk(await cache.call([plugin.path]));
  assertOk(await cache.call([plugin.path], { [MARGIN]: "9m" }));
  assert.equal(plugin.runs(), 1, "still fresh with a 9 minute margin");
  assertOk(await cache.call([plugin.path], { [MARGIN]: "11m" }));
  assert.equal(plugin.runs(), 2, "due with an 11 minute margin");
});

for (const [name, expirationTimestamp] of [
  ["without expirationTimestamp", "none"],
  ["with Go's zero time 0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
  ["expired longer ago than the no-expiry threshold", isoAt(T0 - 25 * HOUR)],
] as const) {
  test(`a credential ${name} is kept for the default TTL, unaltered`, async (t) => {
    const cache = useCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "no-expiry", { expirationTimestamp });
    const miss = await cache.call([plugin.path]);
    const hit = await cache.call([plugin.path]);
    assertOk(miss);
    assertOk(hit);
    assert.equal(plugin.runs(), 1, "cached");
    assert.equal(miss.stdout, plugin.output(1));
    assert.equal(hit.stdout, plugin.output(1), "the timestamp (or its absence) is not rewritten");
    // The default TTL (1h) brackets the stored lifetime: fresh with a 59m margin, due with a 61m one.
    assertOk(await cache.call([plugin.path], { [MARGIN]: "59m" }));
    assert.equal(plugin.runs(), 1, "kept for about an hour");
    assertOk(await cache.call([plugin.path], { [MARGIN]: "61m" }));
    assert.equal(plugin.runs(), 2, "but not longer");
  });
}

test("KUBE_CREDENTIAL_CACHE_DEFAULT_TTL sets how long a credential without expiry is kept", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "custom-ttl", { expirationTimestamp: "none" });
  const env = { KUBE_CREDENTIAL_CACHE_DEFAULT_TTL: "3h" };
  assertOk(await cache.call([plugin.path], env));
  assertOk(await cache.call([plugin.path], { ...env, [MARGIN]: "2h59m" }));
  assert.equal(plugin.runs(), 1);
  assertOk(await cache.call([plugin.path], { ...env, [MARGIN]: "3h1m" }));
  assert.equal(plugin.runs(), 2);
});

test("a recently expired credential (within the no-expiry threshold) is not cached", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "recently-expired", {
    expirationTimestamp: isoAt(T0 - HOUR),
  });
  const first = await cache.call([plugin.path]);
  assertOk(first);
  assert.equal(first.stdout, plugin.output(1), "kubectl still sees what the plugin printed");
  assertOk(await cache.call([plugin.path]));
  assert.equal(plugin.runs(), 2);
});

test("KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD moves the line between expired and no expiry", async (t) => {
  const cache = useCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "threshold", { expirationTimestamp: isoAt(T0 - 2 * HOUR) });
  const env = { KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD: "1h" };
  assertOk(await cache.call([plugin.path], env));
  assertOk(await cache.call([plugin.path], env));
  assert.equal(plugin.runs(), 1, "two hours in the past is 'no expiry' with a 1h threshold");
  assertOk(await cache.call([plugin.path, "default-threshold"]));
  assertOk(await cache.call([plugin.path, "default-threshold"]));
  assert.equal(plugin.runs(), 3, "but a genuinely expired credential with the default 24h threshold");
});
