import assert from "node:assert/strict";
import { test } from "node:test";
import { isoIn, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, kccCache as runKccCache, useSandbox } from "./support/kcc-cache.js";

const MARGIN = "KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN";

// These tests probe the foreground decision by moving the margin close to the expiry, which puts hits
// inside the background window, and a background refresh would add plugin runs of its own (tested in
// kcc-cache-background-refresh.test.ts): it is off here.
const kccCache: typeof runKccCache = (sandbox, argv, call) =>
  runKccCache(sandbox, argv, {
    ...call,
    env: { KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "0", ...call?.env },
  });

test("a credential expiring inside the default 30s refresh margin is fetched again", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "short-lived", { expirationTimestamp: isoIn(20_000) });
  const first = await kccCache(sandbox, [plugin.path]);
  assertOk(first);
  assert.equal(first.stdout, plugin.output(1), "the plugin's credential still reaches kubectl");
  assertOk(await kccCache(sandbox, [plugin.path]));
  assert.equal(plugin.runs(), 2);
});

test("a credential expiring well after the margin is served from the cache", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "long-lived", { expirationTimestamp: isoIn(5 * 60_000) });
  await kccCache(sandbox, [plugin.path]);
  await kccCache(sandbox, [plugin.path]);
  assert.equal(plugin.runs(), 1);
});

test("KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN changes the decision", async (t) => {
  await t.test("a smaller margin keeps a credential the default would refetch", async (t) => {
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "small-margin", { expirationTimestamp: isoIn(20_000) });
    const env = { [MARGIN]: "5s" };
    await kccCache(sandbox, [plugin.path], { env });
    await kccCache(sandbox, [plugin.path], { env });
    assert.equal(plugin.runs(), 1);
  });
  await t.test("a larger margin refetches a credential the default would keep", async (t) => {
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "large-margin", { expirationTimestamp: isoIn(10 * 60_000) });
    await kccCache(sandbox, [plugin.path]);
    await kccCache(sandbox, [plugin.path]);
    assert.equal(plugin.runs(), 1, "cached with the default margin");
    assertOk(await kccCache(sandbox, [plugin.path], { env: { [MARGIN]: "1h30m" } }));
    assert.equal(plugin.runs(), 2, "a 90 minute margin makes a 10 minute credential due");
  });
  await t.test("the stored expiry is the plugin's (the margin brackets it)", async (t) => {
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "bracketed", { expirationTimestamp: isoIn(10 * 60_000) });
    await kccCache(sandbox, [plugin.path]);
    await kccCache(sandbox, [plugin.path], { env: { [MARGIN]: "9m" } });
    assert.equal(plugin.runs(), 1, "still fresh with a 9 minute margin");
    await kccCache(sandbox, [plugin.path], { env: { [MARGIN]: "11m" } });
    assert.equal(plugin.runs(), 2, "due with an 11 minute margin");
  });
});

for (const [name, expirationTimestamp] of [
  ["without expirationTimestamp", "none"],
  ["with Go's zero time 0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
  ["expired longer ago than the no-expiry threshold", isoIn(-25 * 3_600_000)],
] as const) {
  test(`a credential ${name} is kept for the default TTL, unaltered`, async (t) => {
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "no-expiry", { expirationTimestamp });
    const miss = await kccCache(sandbox, [plugin.path]);
    const hit = await kccCache(sandbox, [plugin.path]);
    assertOk(miss);
    assertOk(hit);
    assert.equal(plugin.runs(), 1, "cached");
    assert.equal(miss.stdout, plugin.output(1));
    assert.equal(hit.stdout, plugin.output(1), "the timestamp (or its absence) is not rewritten");
    // The default TTL (1h) brackets the stored lifetime: fresh with a 59m margin, due with a 61m one.
    await kccCache(sandbox, [plugin.path], { env: { [MARGIN]: "59m" } });
    assert.equal(plugin.runs(), 1, "kept for about an hour");
    await kccCache(sandbox, [plugin.path], { env: { [MARGIN]: "61m" } });
    assert.equal(plugin.runs(), 2, "but not longer");
  });
}

test("KUBE_CREDENTIAL_CACHE_DEFAULT_TTL sets how long a credential without expiry is kept", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "custom-ttl", { expirationTimestamp: "none" });
  const env = { KUBE_CREDENTIAL_CACHE_DEFAULT_TTL: "3h" };
  await kccCache(sandbox, [plugin.path], { env });
  await kccCache(sandbox, [plugin.path], { env: { ...env, [MARGIN]: "2h59m" } });
  assert.equal(plugin.runs(), 1);
  await kccCache(sandbox, [plugin.path], { env: { ...env, [MARGIN]: "3h1m" } });
  assert.equal(plugin.runs(), 2);
});

test("a recently expired credential (within the no-expiry threshold) is not cached", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "recently-expired", { expirationTimestamp: isoIn(-3_600_000) });
  const first = await kccCache(sandbox, [plugin.path]);
  assertOk(first);
  assert.equal(first.stdout, plugin.output(1), "kubectl still sees what the plugin printed");
  await kccCache(sandbox, [plugin.path]);
  assert.equal(plugin.runs(), 2);
});

test("KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD moves the line between expired and no expiry", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "threshold", { expirationTimestamp: isoIn(-2 * 3_600_000) });
  const env = { KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD: "1h" };
  await kccCache(sandbox, [plugin.path], { env });
  await kccCache(sandbox, [plugin.path], { env });
  assert.equal(plugin.runs(), 1, "two hours in the past is 'no expiry' with a 1h threshold");
  await kccCache(sandbox, [plugin.path, "default-threshold"]);
  await kccCache(sandbox, [plugin.path, "default-threshold"]);
  assert.equal(plugin.runs(), 3, "but a genuinely expired credential with the default 24h threshold");
});
