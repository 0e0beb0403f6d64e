import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, execInfo, kccCache, readCacheJson, useSandbox } from "./support/kcc-cache.js";
import type { Sandbox } from "./support/sandbox.js";

/**
 * A cache entry carries the digest of its key, which names the key's files in the lock directory (its
 * served log among them), so that a hit need not hash its key (docs/cache-format.md). Computed here
 * with node:crypto, not with kcc-cache's own code.
 */

type Entries = Record<string, Record<string, unknown>>;

const digestOf = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex").slice(0, 32);

function entriesOf(sandbox: Sandbox): Entries {
  return (readCacheJson(sandbox) as { entries: Entries }).entries;
}

/** Rewrites the one entry's stored digest (undefined: removes it), in the layout kcc-cache writes. */
function setStoredDigest(sandbox: Sandbox, digest: string | undefined): void {
  const file = readCacheJson(sandbox) as { entries: Entries };
  for (const entry of Object.values(file.entries)) {
    if (digest === undefined) delete entry["keyDigest"];
    else entry["keyDigest"] = digest;
  }
  writeFileSync(sandbox.cacheFile, `${JSON.stringify(file, null, 1)}\n`);
}

const servedLogs = (locks: string): string[] =>
  existsSync(locks) ? readdirSync(locks).filter((name) => name.endsWith(".callers")) : [];

function clearServedLogs(locks: string): void {
  for (const name of servedLogs(locks)) rmSync(join(locks, name));
}

test("a miss stores the key's SHA-256 digest with the entry, and names the key's served log by it", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "digest");
  const env = { KUBERNETES_EXEC_INFO: execInfo() };
  assertOk(await kccCache(sandbox, [plugin.path], { env }));
  const entries = Object.entries(entriesOf(sandbox));
  assert.equal(entries.length, 1);
  const [key, entry] = entries[0] ?? ["", {}];
  assert.equal(entry["keyDigest"], digestOf(key));
  const locks = join(dirname(sandbox.cacheFile), "locks");
  assert.deepEqual(servedLogs(locks), [`${digestOf(key)}.callers`]);

  const hit = await kccCache(sandbox, [plugin.path], { env });
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1), "a hit");
  const log = readFileSync(join(locks, `${digestOf(key)}.callers`), "utf8");
  assert.equal(log.split("\n").filter((line) => line !== "").length, 2, "the miss's caller and the hit's");
});

test("a hit names the key's files by the digest its entry carries; without one, or a malformed one, by hashing the key", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "stored");
  const env = { KUBERNETES_EXEC_INFO: execInfo() };
  assertOk(await kccCache(sandbox, [plugin.path], { env }));
  const [key] = Object.keys(entriesOf(sandbox));
  assert.ok(key !== undefined);
  const locks = join(dirname(sandbox.cacheFile), "locks");
  const other = "0123456789abcdef0123456789abcdef";
  // Taken as a name, this would put the log in the home directory, three levels up from the locks.
  const planted = "planted-served-log-0000";
  const escape = `../../../${planted}`;
  assert.equal(escape.length, other.length);
  const cases: [string, string | undefined, string][] = [
    ["the entry's own digest, even one that is not this key's", other, other],
    ["an entry of an earlier version, without one", undefined, digestOf(key)],
    ["a path of a digest's length", escape, digestOf(key)],
    ["upper-case hex", other.toUpperCase(), digestOf(key)],
  ];
  for (const [what, stored, named] of cases) {
    setStoredDigest(sandbox, stored);
    clearServedLogs(locks);
    const hit = await kccCache(sandbox, [plugin.path], { env });
    assertOk(hit);
    assert.equal(hit.stdout, plugin.output(1), `${what}: still a hit`);
    assert.deepEqual(servedLogs(locks), [`${named}.callers`], what);
  }
  assert.equal(plugin.runs(), 1);
  const home = dirname(dirname(dirname(sandbox.cacheFile)));
  assert.ok(!existsSync(join(home, `${planted}.callers`)), "nothing written where the path led");
});
