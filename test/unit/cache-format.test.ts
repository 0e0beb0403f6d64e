import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { CacheEntry } from "../../src/core/cache/cache-entry.js";
import {
  documentKeys,
  findSerializedEntry,
  parseCacheDocument,
  SERIALIZED_EDGE_BYTES,
  serializeCacheDocument,
  withEntry,
  withoutEntries,
  type CacheDocument,
} from "../../src/core/cache/cache-document.js";
import { isKccError } from "../../src/core/errors.js";
import { createKeyringIndex, parseIndex, serializeIndex } from "../../src/io/secret-store/keyring-index.js";
import { useTempDir } from "./support/temp-dir.js";

/**
 * A cache file written by a later kcc-cache (docs/cache-format.md): a newer format is recognised
 * and never read; fields and entries a later version added within this format survive every rewrite.
 */

const NOW = 1_000_000;

const entry = (expiresAtMs: number, credential = '{"status":{"token":"t"}}'): CacheEntry => ({
  credential,
  expiresAtMs,
  expirySource: "plugin",
  kind: "token",
  storedAtMs: 0,
});

function documentOf(text: string): CacheDocument {
  const read = parseCacheDocument(text);
  assert.equal(read.state, "ok", text);
  return read.document;
}

test("a file whose format number is above this version's is newer, never read as entries", () => {
  const cases: [string, string, "newer" | "foreign" | "ok"][] = [
    ["format 2", `{"kcc":2,"entries":{"k":${JSON.stringify(entry(NOW * 2))}}}`, "newer"],
    ["format 2 with nothing else", '{"kcc":2}', "newer"],
    ["format 17, another layout", '{"kcc":17,"store":[1,2,3]}', "newer"],
    ["format 1", '{"kcc":1,"entries":{}}', "ok"],
    ["format 0", '{"kcc":0,"entries":{}}', "foreign"],
    ["format 1.5", '{"kcc":1.5,"entries":{}}', "foreign"],
    ["format -2", '{"kcc":-2,"entries":{}}', "foreign"],
    ['format "2"', '{"kcc":"2","entries":{}}', "foreign"],
    ["format 1e400", '{"kcc":1e400,"entries":{}}', "foreign"],
  ];
  for (const [what, text, state] of cases) {
    const read = parseCacheDocument(text);
    assert.equal(read.state, state, what);
    assert.equal(read.document.entries.size, 0, what);
    if (read.state === "newer") assert.equal(read.format, Number(/"kcc":(\d+)/.exec(text)?.[1]), what);
  }
});

test("what a later version added to the file or to an entry is written back unchanged", () => {
  const unreadable = { credential: "x", expiresAtMs: NOW * 2, kind: "oidc-device", storedAtMs: 0 };
  const text = JSON.stringify({
    kcc: 1,
    entries: {
      // Ours, with a field (nested) this version does not know.
      known: { ...entry(NOW * 2), origin: { plugin: "aws", nested: [1, { deep: true }] } },
      // A kind this version cannot serve, still ahead of its expiry: kept, unread.
      unreadable,
      // The same, expired: dropped by the next rewrite, as an expired entry of ours is.
      unreadableExpired: { credential: "x", expiresAtMs: NOW - 1, kind: "oidc-device" },
      // No usable expiry: damage, dropped as before.
      damaged: { credential: 42 },
    },
    settings: { pruneAfterDays: 3 },
  });
  const document = documentOf(text);
  assert.deepEqual([...document.entries.keys()], ["known"]);
  assert.deepEqual(documentKeys(document).sort(), ["known", "unreadable", "unreadableExpired"]);

  const written = JSON.parse(serializeCacheDocument(withEntry(document, "new", entry(NOW * 3), NOW))) as {
    entries: Record<string, Record<string, unknown>>;
  } & Record<string, unknown>;
  assert.deepEqual(Object.keys(written.entries).sort(), ["known", "new", "unreadable"]);
  assert.deepEqual(written.entries["known"]?.["origin"], { plugin: "aws", nested: [1, { deep: true }] });
  assert.equal(written.entries["known"]?.["credential"], entry(0).credential);
  assert.deepEqual(written.entries["unreadable"], unreadable);
  assert.deepEqual(written["settings"], { pruneAfterDays: 3 });
  assert.equal(written["kcc"], 1);
  assert.deepEqual(Object.keys(written), ["kcc", "entries", "settings"]);
});

test("an entry replaced by this version loses the fields kept of the credential it replaces", () => {
  const document = documentOf(
    JSON.stringify({ kcc: 1, entries: { k: { ...entry(NOW * 2), origin: "later version" } } }),
  );
  const written = JSON.parse(serializeCacheDocument(withEntry(document, "k", entry(NOW * 4), NOW))) as {
    entries: { k: Record<string, unknown> };
  };
  assert.deepEqual(written.entries.k, { ...entry(NOW * 4) });
});

test("removing entries keeps the file's other content; a file of ours round-trips byte for byte", () => {
  const document = documentOf(
    JSON.stringify({
      kcc: 1,
      entries: { a: entry(NOW * 2), b: { expiresAtMs: NOW * 2, kind: "new" } },
      settings: 1,
    }),
  );
  const one = JSON.parse(serializeCacheDocument(withoutEntries(document, ["b"]))) as Record<string, unknown>;
  assert.deepEqual(one, { kcc: 1, entries: { a: entry(NOW * 2) }, settings: 1 });
  const none = JSON.parse(serializeCacheDocument(withoutEntries(document, "all"))) as Record<string, unknown>;
  assert.deepEqual(none, { kcc: 1, entries: {}, settings: 1 });

  const plain = serializeCacheDocument({ entries: new Map([["a", entry(NOW * 2)]]) });
  assert.equal(serializeCacheDocument(documentOf(plain)), plain);
});

test("a hit reads an entry with fields it does not know; extra file fields send it to the full parse", () => {
  const withOrigin = {
    entries: new Map([["k", entry(NOW * 2)]]),
    kept: {
      records: new Map([["k", { ...entry(NOW * 2), origin: { nested: { deeper: "  }" } } }]]),
      fields: {},
    },
  };
  const bytes = Buffer.from(serializeCacheDocument(withOrigin));
  const edge = Math.min(bytes.length, SERIALIZED_EDGE_BYTES);
  const fileOf = (all: Buffer) => ({
    head: all.subarray(0, edge),
    tail: all.subarray(all.length - edge),
    chunks: [all],
  });
  assert.deepEqual(findSerializedEntry(fileOf(bytes), "k"), { entry: entry(NOW * 2) });
  const withSettings = Buffer.from(
    serializeCacheDocument({ ...withOrigin, kept: { ...withOrigin.kept, fields: { settings: 1 } } }),
  );
  assert.equal(findSerializedEntry(fileOf(withSettings), "k"), undefined);
  assert.deepEqual(
    parseCacheDocument(withSettings.toString()).document.entries.get("k"),
    entry(NOW * 2),
    "the full parse serves it",
  );
});

test("the keyring index keeps what a later version added, and a newer index is not read", () => {
  const previous = JSON.stringify({
    kcc: 1,
    keyring: { a: { parts: 0, expiresAtMs: 5, store: "login" }, b: { parts: 2 } },
    history: ["x"],
  });
  const keys = parseIndex(previous);
  assert.deepEqual([...keys.keys()], ["a", "b"]);
  keys.delete("b");
  keys.set("a", { parts: 1, expiresAtMs: 9 });
  keys.set("c", { parts: 0 });
  assert.deepEqual(JSON.parse(serializeIndex(keys, previous)), {
    kcc: 1,
    keyring: { a: { store: "login", parts: 1, expiresAtMs: 9 }, c: { parts: 0 } },
    history: ["x"],
  });
  assert.equal(parseIndex('{"kcc":2,"keyring":{"a":{"parts":0}}}').size, 0);
  assert.equal(parseIndex('{"kcc":1,"keyring":{"a":{"parts":0}}}').size, 1);
});

test("a newer keyring index is neither read nor rewritten by an update", async (t) => {
  const path = join(useTempDir(t, "kcc-index-"), "keyring-index.json");
  const newer = '{"kcc":2,"keyring":{"a":{"parts":0}}}\n';
  writeFileSync(path, newer);
  const index = createKeyringIndex(path, () => Promise.resolve(() => undefined));
  await assert.rejects(
    index.update((keys) => keys.set("b", { parts: 0 })),
    (error: unknown) => isKccError(error) && /newer kcc-cache's format \(2\)/.test(error.message),
  );
  assert.equal(readFileSync(path, "utf8"), newer);
});
