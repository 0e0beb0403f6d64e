import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import {
  encodeSecret,
  joinParts,
  parseHead,
  partAccount,
  WINDOWS_MAX_PART_CHARS,
} from "../../src/core/store/secret-chunks.js";
import { zlibCompression as zlib } from "../../src/io/secret-store/compression.js";

// Random bytes do not compress: the worst case for the size limit.
const incompressible = (length: number): string => randomBytes(length).toString("base64");

test("small values are stored whole, as the JSON itself", () => {
  const json = JSON.stringify({ credential: "x", expiresAtMs: 1 });
  assert.deepEqual(encodeSecret(json, WINDOWS_MAX_PART_CHARS, zlib), { head: json, parts: [] });
  assert.deepEqual(parseHead(json), { kind: "plain", json });
});

test("large values round-trip through compressed parts within the limit", () => {
  for (const size of [1_201, 8_000, 20_000]) {
    const json = JSON.stringify({ credential: incompressible(size) });
    const encoded = encodeSecret(json, WINDOWS_MAX_PART_CHARS, zlib);
    assert.ok(encoded.parts.length > 0, `${size}: split`);
    for (const value of [encoded.head, ...encoded.parts]) assert.ok(value.length <= WINDOWS_MAX_PART_CHARS);
    const head = parseHead(encoded.head);
    assert.equal(head.kind, "chunked");
    if (head.kind !== "chunked") return;
    assert.equal(head.count, encoded.parts.length);
    assert.ok(joinParts(head, encoded.parts, zlib) === json, `${size}: round trip`);
  }
});

test("an unlimited store never splits", () => {
  const json = JSON.stringify({ credential: incompressible(50_000) });
  assert.equal(encodeSecret(json, Number.POSITIVE_INFINITY, zlib).parts.length, 0);
});

test("torn, missing or foreign parts are a miss, never garbage", () => {
  const first = encodeSecret(JSON.stringify({ credential: incompressible(6_000) }), 1_000, zlib);
  const second = encodeSecret(JSON.stringify({ credential: incompressible(6_001) }), 1_000, zlib);
  const head = parseHead(first.head);
  assert.equal(head.kind, "chunked");
  if (head.kind !== "chunked") return;
  const mixed = [...first.parts.slice(0, 2), ...second.parts.slice(2, first.parts.length)];
  assert.ok(joinParts(head, mixed, zlib) === undefined, "parts of another write");
  assert.equal(joinParts(head, [...first.parts.slice(0, -1), undefined], zlib), undefined, "a part missing");
  assert.equal(joinParts(head, first.parts.slice(0, -1), zlib), undefined, "too few parts");
});

test("values that are not ours are foreign", () => {
  for (const value of [
    "",
    "hunter2",
    "kcc-chunks/1 deflate-base64 0 0123456789abcdef",
    "kcc-chunks/2 x 1 0123456789abcdef",
  ]) {
    assert.deepEqual(parseHead(value), { kind: "foreign" }, JSON.stringify(value));
  }
  assert.equal(partAccount('exec=["aws"]', 3), 'exec=["aws"]#3');
});
