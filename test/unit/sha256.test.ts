import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { sha256Hex } from "../../src/core/sha256.js";

test("sha256Hex agrees with node:crypto across padding boundaries and non-ASCII text", () => {
  const inputs = ["", "abc", "é€😀", ...[55, 56, 63, 64, 65, 119, 120, 4096].map((n) => "x".repeat(n))];
  for (const input of inputs) {
    assert.equal(
      sha256Hex(input),
      createHash("sha256").update(input).digest("hex"),
      `length ${input.length}`,
    );
  }
});
