import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { sha256Hex, sha256HexEach, sha256HexPortable } from "../../src/core/sha256.js";

const INPUTS = ["", "abc", "é€😀", ...[55, 56, 63, 64, 65, 119, 120, 4096].map((n) => "x".repeat(n))];
const expected = (input: string): string => createHash("sha256").update(input).digest("hex");

test("the portable sha256 agrees with node:crypto across padding boundaries and non-ASCII text", () => {
  for (const input of INPUTS)
    assert.equal(sha256HexPortable(input), expected(input), `length ${input.length}`);
});

test("sha256Hex uses the portable digest on Node", () => {
  assert.equal((globalThis as { Bun?: unknown }).Bun, undefined, "these tests run on Node");
  for (const input of INPUTS) assert.equal(sha256Hex(input), expected(input), `length ${input.length}`);
});

test("sha256HexEach digests each text in its place", () => {
  assert.deepEqual(sha256HexEach(INPUTS), INPUTS.map(expected));
  assert.deepEqual(sha256HexEach([...INPUTS].reverse()), INPUTS.map(expected).reverse());
  assert.deepEqual(sha256HexEach([]), []);
});

test("sha256Hex hands the text to bun's native SHA-256 where there is one", () => {
  const seen: string[] = [];
  const SHA256 = {
    hash(input: string, encoding: string): string {
      seen.push(input);
      return `native:${encoding}:${input}`;
    },
  };
  const global = globalThis as { Bun?: unknown };
  global.Bun = { SHA256 };
  try {
    assert.equal(sha256Hex("abc"), "native:hex:abc");
    assert.deepEqual(seen, ["abc"]);
  } finally {
    delete global.Bun;
  }
});
