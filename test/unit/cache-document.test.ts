import assert from "node:assert/strict";
import { test } from "node:test";
import type { CacheEntry } from "../../src/core/cache/cache-entry.js";
import {
  EMPTY_DOCUMENT,
  parseCacheDocument,
  findSerializedEntry,
  SERIALIZED_EDGE_BYTES,
  type SerializedFile,
  serializeCacheDocument,
  withEntry,
} from "../../src/core/cache/cache-document.js";

const entry = (expiresAtMs: number, credential = "{}"): CacheEntry => ({
  credential,
  expiresAtMs,
  expirySource: "plugin",
  kind: "token",
  storedAtMs: 0,
});

test("a document round-trips through its serialized form", () => {
  const document = {
    entries: new Map([
      ["k1", entry(10)],
      ['k"2', entry(20, "x\ny")],
    ]),
  };
  const read = parseCacheDocument(serializeCacheDocument(document));
  assert.equal(read.state, "ok");
  assert.deepEqual(read.document.entries, document.entries);
});

test("parsing says what the text is: ours, a damaged copy of ours, or foreign", () => {
  const cases: [string, string, "ok" | "broken" | "foreign", boolean?][] = [
    ["empty", "", "ok"],
    ["whitespace", " \n", "ok"],
    ["ours without entries", '{"kcc":1}', "ok"],
    ["truncated", '{"kcc":1,"entries":{"k":{"cre', "broken", true],
    ["entries not an object", '{"kcc":1,"entries":[]}', "broken", true],
    ["garbage", "\u0000\u0001", "broken", false],
    ["an array", "[]", "broken", false],
    ["entries without our marker", '{"entries":{}}', "foreign"],
    ["the Go original's file", '{"credentials":{"aws eks get-token":{"kind":"ExecCredential"}}}', "foreign"],
    ["another program's JSON", '{"auths":{}}', "foreign"],
  ];
  for (const [what, text, state, ours] of cases) {
    const read = parseCacheDocument(text);
    assert.equal(read.state, state, what);
    if (ours !== undefined) assert.equal(read.state === "broken" && read.ours, ours, what);
    assert.equal(read.document.entries.size, 0, what);
  }
});

test("one corrupt entry never costs the others", () => {
  const text = JSON.stringify({
    kcc: 1,
    entries: { good: entry(10), bad: { credential: 1 }, alsoBad: "x", good2: entry(20) },
  });
  const read = parseCacheDocument(text);
  assert.equal(read.state, "ok");
  assert.deepEqual([...read.document.entries.keys()], ["good", "good2"]);
  if (read.state === "ok") assert.equal(read.skipped, 2);
});

test("withEntry sets or removes one key and prunes expired entries", () => {
  const document = {
    entries: new Map([
      ["old", entry(5)],
      ["live", entry(50)],
    ]),
  };
  assert.deepEqual([...withEntry(document, "new", entry(60), 10).entries.keys()], ["live", "new"]);
  assert.deepEqual([...withEntry(document, "live", undefined, 10).entries.keys()], []);
  assert.equal(document.entries.size, 2, "the input is not modified");
});

/** The file as the hit path hands it over: its edges, then the whole in chunks of `size` bytes. */
function fileOf(bytes: Buffer, size = 7): SerializedFile {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  const edge = Math.min(bytes.length, SERIALIZED_EDGE_BYTES);
  return { head: bytes.subarray(0, edge), tail: bytes.subarray(bytes.length - edge), chunks };
}

test("one entry read from the serialized file equals the full parse's, whatever the chunk size", () => {
  // Keys and credentials that look like the layout's own lines once escaped, or hold non-ASCII.
  const keys = ["k", 'k"2', "k\n  }", 'k": {', "é ü ∑ 😀", "k\\", "", " k "];
  const credentials = ['{"t":"\n  }\n"}', '\n  "k": {\n', "plain", "é".repeat(3)];
  const document = {
    entries: new Map(
      keys.map((key, index) => [key, entry(1000 + index, credentials[index % credentials.length])]),
    ),
  };
  const bytes = Buffer.from(serializeCacheDocument(document));
  const full = parseCacheDocument(bytes.toString("utf8"));
  assert.equal(full.state, "ok");
  for (const size of [1, 2, 3, 5, 8, 13, 64, 100, bytes.length]) {
    for (const key of [...keys, "absent", "k2"]) {
      assert.deepEqual(
        findSerializedEntry(fileOf(bytes, size), key),
        { entry: full.document.entries.get(key) },
        `${key} in chunks of ${size}`,
      );
    }
  }
});

test("reading one entry gives up (the full parse decides) on anything but a whole file of ours", () => {
  const whole = Buffer.from(serializeCacheDocument({ entries: new Map([["k", entry(5)]]) }));
  const cases: [string, Buffer][] = [
    ["truncated", whole.subarray(0, whole.length - 3)],
    ["cut inside the entry", Buffer.concat([whole.subarray(0, 40), whole.subarray(whole.length - 11)])],
    ["compact JSON of ours", Buffer.from(JSON.stringify({ kcc: 1, entries: { k: entry(5) } }))],
    ["the Go original's file", Buffer.from('{"credentials":{}}\n')],
    ["empty", Buffer.alloc(0)],
    ["an entry that does not parse", Buffer.from(whole.toString().replace('"kind"', "kind"))],
  ];
  for (const [what, bytes] of cases) assert.equal(findSerializedEntry(fileOf(bytes), "k"), undefined, what);
  assert.deepEqual(findSerializedEntry(fileOf(Buffer.from(serializeCacheDocument(EMPTY_DOCUMENT))), "k"), {
    entry: undefined,
  });
  const corrupt = Buffer.from(whole.toString().replace('"kind": "token"', '"kind": "other"'));
  assert.deepEqual(
    findSerializedEntry(fileOf(corrupt), "k"),
    { entry: undefined },
    "a corrupt entry is absent",
  );
});
test("an entry whose times are outside a Date's range is corrupt, skipped like any other", () => {
  const sound = '"credential":"{}","expirySource":"plugin","kind":"token"';
  const cases: [string, string, number][] = [
    ["sound", `"expiresAtMs":10,"storedAtMs":0`, 1],
    ["expiry at the end of Date's range", `"expiresAtMs":8.64e15,"storedAtMs":0`, 1],
    ["expiry 1e300", `"expiresAtMs":1e300,"storedAtMs":0`, 0],
    ["expiry -1e300", `"expiresAtMs":-1e300,"storedAtMs":0`, 0],
    ["expiry 1e400 (Infinity)", `"expiresAtMs":1e400,"storedAtMs":0`, 0],
    ["expiry a string", `"expiresAtMs":"NaN","storedAtMs":0`, 0],
    ["stored 1e300", `"expiresAtMs":10,"storedAtMs":1e300`, 0],
  ];
  for (const [what, times, kept] of cases) {
    const read = parseCacheDocument(
      `{"kcc":1,"entries":{"k":{${sound},${times}},"other":{${sound},"expiresAtMs":1,"storedAtMs":0}}}`,
    );
    assert.equal(read.state === "ok" && read.document.entries.size, kept + 1, what);
  }
});
