import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { FakePlugin } from "./fake-plugin.js";
import { assertOk, stderrLines, type CacheUnderTest } from "./kcc-cache.js";

/**
 * A cache file written by a later kcc-cache, as the in-process tables and the installed command meet
 * it (docs/cache-format.md): a newer format is left byte for byte alone while credentials are served
 * uncached; what a later version added within this format survives this version's rewrites.
 */

/** A format-2 file as a later version might write it: another layout, an entry this one cannot read. */
const NEWER_FORMAT_FILE = `${JSON.stringify(
  {
    kcc: 2,
    credentials: [
      { key: "later-version-key", token: "later-version-token", expires: "2099-01-01T00:00:00Z" },
    ],
  },
  null,
  2,
)}\n`;

/**
 * Plants NEWER_FORMAT_FILE at `file`: two credential calls both run the plugin and print its output,
 * each with one stderr line naming the file; --status says why; --list and --clear change nothing;
 * the file is byte for byte what was planted.
 */
export async function assertNewerFormatLeftAlone(
  cache: CacheUnderTest,
  plugin: FakePlugin,
  file: string,
  env: Record<string, string> = {},
): Promise<void> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, NEWER_FORMAT_FILE, { mode: 0o600 });
  for (const run of [1, 2]) {
    const served = await cache.call([plugin.path], { env });
    assertOk(served);
    assert.equal(plugin.runs(), run, "served uncached: the plugin runs every time");
    assert.equal(served.stdout, plugin.output(run));
    const lines = stderrLines(served);
    assert.equal(lines.length, 1, served.stderr);
    assert.ok(lines[0]?.includes(file), `the line names the file: ${served.stderr}`);
    assert.match(lines[0] ?? "", /newer kcc-cache's format \(2\).*not cached/);
    assert.ok(!served.stderr.includes("later-version-token"), "what the file holds is never echoed");
  }
  const status = await cache.call(["--status"], { env });
  assert.match(status.stdout, /file: .*\(newer: cache file .* newer kcc-cache's format \(2\)/);
  assert.equal(status.code, 3, "--status: nothing would be cached");
  for (const argv of [["--list"], ["--clear"]]) {
    const result = await cache.call(argv, { env });
    assert.ok(result.stderr.includes("newer kcc-cache's format"), `${argv[0] ?? ""}: ${result.stderr}`);
    assert.ok(!result.stdout.includes("later-version"), `${argv[0] ?? ""} lists nothing of it`);
  }
  assert.equal(readFileSync(file, "utf8"), NEWER_FORMAT_FILE, "the file is left alone");
}

/**
 * Caches key-a, then adds to the file what a later version of the same format might: a field of the
 * file, a field of key-a's entry, an entry this version cannot read. key-a is still a hit; storing
 * key-b and clearing key-a keep everything else.
 */
export async function assertLaterFieldsKept(cache: CacheUnderTest, plugin: FakePlugin): Promise<void> {
  const file = cache.sandbox.cacheFile;
  assertOk(await cache.call([plugin.path, "key-a"]));
  const stored = JSON.parse(readFileSync(file, "utf8")) as { entries: Record<string, object> };
  const [keyA] = Object.keys(stored.entries);
  assert.ok(keyA !== undefined);
  const later = { credential: "opaque", expiresAtMs: Date.now() + 3_600_000, kind: "later-kind" };
  const added = {
    ...stored,
    entries: {
      [keyA]: { ...stored.entries[keyA], origin: { by: "a later kcc-cache", nested: { list: [1, 2] } } },
      "later-key": later,
    },
    settings: { later: true },
  };
  writeFileSync(file, `${JSON.stringify(added, null, 1)}\n`);

  const hit = await cache.call([plugin.path, "key-a"]);
  assertOk(hit);
  assert.equal(plugin.runs(), 1, "key-a is still a hit");
  assert.equal(hit.stdout, plugin.output(1));
  assert.equal(hit.stderr, "");

  assertOk(await cache.call([plugin.path, "key-b"]));
  const afterWrite = JSON.parse(readFileSync(file, "utf8")) as typeof added;
  assert.equal(Object.keys(afterWrite.entries).length, 3, "key-a, the later entry and key-b");
  assert.deepEqual(afterWrite.entries[keyA], added.entries[keyA], "key-a with its added field");
  assert.deepEqual(afterWrite.entries["later-key"], later);
  assert.deepEqual(afterWrite.settings, added.settings);

  const list = await cache.call(["--list"]);
  assertOk(list);
  assert.match(list.stdout, /later-key/, "--list shows the entry it cannot read");

  assertOk(await cache.call(["--clear", keyA]));
  const afterClear = JSON.parse(readFileSync(file, "utf8")) as typeof added;
  assert.equal(afterClear.entries[keyA], undefined);
  assert.deepEqual(afterClear.entries["later-key"], later);
  assert.deepEqual(afterClear.settings, added.settings);
}
