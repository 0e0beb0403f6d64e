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

// The expiry decisions (margins, TTLs, thresholds, Go's zero time) are a table run in-process on a
// fixed clock (test/unit/cache-expiry-in-process.test.ts). These two prove the installed command
// decides on the real clock against the expiry a plugin prints, and passes on a credential without one
// byte for byte.
test("a credential expiring inside the default 30s refresh margin is fetched again", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "short-lived", { expirationTimestamp: isoIn(20_000) });
  const first = await kccCache(sandbox, [plugin.path]);
  assertOk(first);
  assert.equal(first.stdout, plugin.output(1), "the plugin's credential still reaches kubectl");
  assertOk(await kccCache(sandbox, [plugin.path]));
  assert.equal(plugin.runs(), 2);
});

test("a credential without expirationTimestamp is kept for the default TTL, unaltered", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "no-expiry", { expirationTimestamp: "none" });
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
