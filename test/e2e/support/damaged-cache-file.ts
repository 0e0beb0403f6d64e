import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import type { FakePlugin } from "./fake-plugin.js";
import { assertOk, readCacheJson, stderrLines, type CacheResult, type CacheUnderTest } from "./kcc-cache.js";

/**
 * A damaged cache file, as the in-process tables and the installed command's one case of each meet
 * it: kcc-cache still serves, says so in one line, rebuilds what is its own, and never echoes what
 * the file holds.
 */

/** Planted as a broken cache file: no part of it may ever reach stdout or stderr. */
export const SECRET_IN_BROKEN_FILE =
  "s3cr3t-line-one-Qx7\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSj\n";

/** No part of SECRET_IN_BROKEN_FILE in what `what` printed. */
export function assertSecretNotEchoed(result: CacheResult, what: string): void {
  const output = result.stdout + result.stderr;
  for (const part of ["s3cr3t", "Qx7", "BEGIN", "MIIE"]) {
    assert.ok(!output.includes(part), `${what} echoed ${part}: ${result.stderr}`);
  }
}

/**
 * Caches one credential, then rewrites the cache file as `damage` makes its text: the next call is
 * served by the plugin with one line naming the file, and the call after that is a quiet hit on a
 * file that is valid JSON again.
 */
export async function assertDamageWarnedAndRebuilt(
  cache: CacheUnderTest,
  plugin: FakePlugin,
  damage: (text: string) => string,
): Promise<void> {
  const { sandbox } = cache;
  assertOk(await cache.call([plugin.path]));
  writeFileSync(sandbox.cacheFile, damage(readFileSync(sandbox.cacheFile, "utf8")));

  const served = await cache.call([plugin.path]);
  assertOk(served);
  assert.equal(served.stdout, plugin.output(plugin.runs()), "a valid credential from the plugin");
  const lines = stderrLines(served);
  assert.equal(lines.length, 1, served.stderr);
  assert.match(lines[0] ?? "", /cache file/);
  assert.ok(lines[0]?.includes(sandbox.cacheFile), "the line names the file");

  const runs = plugin.runs();
  const after = await cache.call([plugin.path]);
  assertOk(after);
  assert.equal(after.stderr, "", "rebuilt: no more warnings");
  assert.equal(plugin.runs(), runs, "and a hit again");
  assert.doesNotThrow(() => readCacheJson(sandbox), "the file is valid JSON again");
}

/**
 * Caches key-a and key-b, then replaces key-a's entry with what `corrupt` makes of it (raw JSON, given
 * the entry as kcc-cache wrote it): --list still shows key-b, key-b is still a hit, key-a is a miss,
 * and the rewrite that stores key-a again keeps key-b.
 */
export async function assertCorruptEntryIsolated(
  cache: CacheUnderTest,
  plugin: FakePlugin,
  corrupt: (entry: string) => string,
): Promise<void> {
  const { sandbox } = cache;
  assertOk(await cache.call([plugin.path, "key-a"]));
  assertOk(await cache.call([plugin.path, "key-b"]));
  const document = readCacheJson(sandbox) as { entries: Record<string, unknown> };
  const keys = Object.keys(document.entries);
  assert.equal(keys.length, 2);
  const keyA = keys.find((key) => key.includes("key-a"));
  assert.ok(keyA !== undefined);
  const entryA = JSON.stringify(document.entries[keyA]);
  document.entries[keyA] = "CORRUPT";
  writeFileSync(sandbox.cacheFile, JSON.stringify(document).replace('"CORRUPT"', corrupt(entryA)));

  const listed = await cache.call(["--list", "--json"]);
  assertOk(listed, "--list --json");
  const rows = JSON.parse(listed.stdout) as { key: string }[];
  assert.ok(
    rows.some((row) => row.key.includes("key-b")),
    "the sound entry is listed",
  );

  const b = await cache.call([plugin.path, "key-b"]);
  assert.equal(b.stdout, plugin.output(2), "key-b still served from the cache");
  assert.equal(plugin.runs(), 2);
  const a = await cache.call([plugin.path, "key-a"]);
  assertOk(a);
  assert.equal(plugin.runs(), 3, "the corrupt entry is a miss");
  assert.equal(a.stdout, plugin.output(3));
  assert.equal((await cache.call([plugin.path, "key-b"])).stdout, plugin.output(2), "b survived the rewrite");
  assert.equal((await cache.call([plugin.path, "key-a"])).stdout, plugin.output(3));
  assert.equal(plugin.runs(), 3);
}
