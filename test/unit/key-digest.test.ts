import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { toCacheEntry } from "../../src/core/cache/cache-entry.js";
import { isKeyDigest, keyDigest } from "../../src/core/cache/cache-key.js";
import { keyFiles } from "../../src/core/cache/key-files.js";
import {
  findSerializedEntry,
  parseCacheDocument,
  serializeCacheDocument,
  withEntry,
  EMPTY_DOCUMENT,
  SERIALIZED_EDGE_BYTES,
} from "../../src/core/cache/cache-document.js";

/**
 * An entry carries the digest of its key, which names the key's files in the lock directory, so that a
 * hit need not hash the key. What a file says there is taken only in keyDigest's own shape.
 */

const record = {
  credential: '{"kind":"ExecCredential"}',
  expiresAtMs: 2_000_000,
  expirySource: "plugin",
  kind: "token",
  storedAtMs: 1_000_000,
};
const KEY = 'exec=["aws","eks","get-token"] env={"HOME":"/home/a"}';
const independentDigest = (key: string): string =>
  createHash("sha256").update(key, "utf8").digest("hex").slice(0, 32);

test("keyDigest is the first 32 hex digits of the key's SHA-256, in isKeyDigest's shape", () => {
  for (const key of [KEY, "", "ü€😀", "x".repeat(5000)]) {
    assert.equal(keyDigest(key), independentDigest(key), key.slice(0, 20));
    assert.ok(isKeyDigest(keyDigest(key)));
  }
});

test("isKeyDigest takes 32 lowercase hex digits and nothing else", () => {
  const good = "0123456789abcdef0123456789abcdef";
  assert.ok(isKeyDigest(good));
  for (const bad of [
    good.toUpperCase(),
    good.slice(1),
    `${good}0`,
    `${"../".repeat(10)}ab`,
    `${good.slice(0, 31)}g`,
    `${good.slice(0, 31)}/`,
    `${good.slice(0, 31)}:`,
    `${good.slice(0, 31)}\``,
    "",
    12345,
    undefined,
    null,
    [good],
  ])
    assert.equal(isKeyDigest(bad), false, String(bad));
});

test("an entry keeps a stored digest of keyDigest's shape and drops any other, still an entry", () => {
  const digest = independentDigest(KEY);
  assert.equal(toCacheEntry({ ...record, keyDigest: digest })?.keyDigest, digest);
  assert.ok(!("keyDigest" in (toCacheEntry(record) ?? {})), "entries of earlier versions have none");
  for (const bad of [`${"../".repeat(10)}ab`, digest.toUpperCase(), 7, null]) {
    const entry = toCacheEntry({ ...record, keyDigest: bad });
    assert.ok(entry !== undefined, "the credential is still served");
    assert.ok(!("keyDigest" in entry), String(bad));
  }
});

test("the key's files are named by the entry's digest when it has one, else by hashing the key", () => {
  const stored = "fedcba9876543210fedcba9876543210";
  const withDigest = toCacheEntry({ ...record, keyDigest: stored });
  const without = toCacheEntry(record);
  assert.equal(keyFiles("/locks", KEY, "linux", withDigest).servedLog, `/locks/${stored}.callers`);
  assert.equal(
    keyFiles("/locks", KEY, "linux", without).servedLog,
    `/locks/${independentDigest(KEY)}.callers`,
  );
  assert.equal(keyFiles("/locks", KEY, "linux").lock, `/locks/${independentDigest(KEY)}.lock`);
  assert.equal(
    keyFiles("/locks", KEY, "linux", withDigest).backgroundFailed,
    `/locks/${stored}.background-failed`,
  );
});

test("the cache file carries the digest through a rewrite, and a hit's one-entry read finds it", () => {
  const digest = independentDigest(KEY);
  const entry = toCacheEntry({ ...record, keyDigest: digest });
  assert.ok(entry !== undefined);
  const text = serializeCacheDocument(withEntry(EMPTY_DOCUMENT, KEY, entry, 0));
  const read = parseCacheDocument(text);
  assert.equal(read.state, "ok");
  assert.equal(read.document.entries.get(KEY)?.keyDigest, digest);
  // A known field, not one of a later version's kept aside: rewriting another key leaves it as it was.
  const rewritten = serializeCacheDocument(withEntry(read.document, "other", entry, 0));
  assert.equal(parseCacheDocument(rewritten).document.entries.get(KEY)?.keyDigest, digest);
  const bytes = new TextEncoder().encode(text);
  const one = findSerializedEntry(
    {
      head: bytes.subarray(0, SERIALIZED_EDGE_BYTES),
      tail: bytes.subarray(-SERIALIZED_EDGE_BYTES),
      chunks: [bytes],
    },
    KEY,
  );
  assert.equal(one?.entry?.keyDigest, digest);
});

test("a digest not in keyDigest's shape is not written back by the next rewrite", () => {
  const text = JSON.stringify({ kcc: 1, entries: { [KEY]: { ...record, keyDigest: "../../x" } } });
  const read = parseCacheDocument(text);
  assert.equal(read.state, "ok");
  const rewritten = serializeCacheDocument(withEntry(read.document, "other", toCacheEntry(record), 0));
  assert.ok(!rewritten.includes("../../x"), rewritten);
  assert.ok(parseCacheDocument(rewritten).document.entries.has(KEY));
});
