import assert from "node:assert/strict";
import { test } from "node:test";
import { DbusReader, DbusWriter, variant, type DbusValue } from "../../src/core/store/dbus-marshal.js";
import { readPlainBody } from "../../src/core/store/dbus-plain-body.js";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** Every reply body a keyring hit reads: the one-pass reader must take each of them. */
const hitReplies: [string, string, DbusValue[]][] = [
  ["Hello (and NameAcquired)", "s", [":1.42"]],
  ["ReadAlias", "o", ["/org/freedesktop/secrets/collection/login"]],
  ["OpenSession, plain", "vo", [variant("s", ""), "/org/freedesktop/secrets/session/s7"]],
  ["SearchItems, one unlocked item", "aoao", [["/org/freedesktop/secrets/collection/login/12"], []]],
  ["SearchItems, nothing", "aoao", [[], []]],
  ["SearchItems, several of each", "aoao", [["/c/1", "/c/22", "/c/333"], ["/c/4444"]]],
  ["Properties.Get(Locked)", "v", [variant("b", false)]],
  [
    "GetSecret",
    "(oayays)",
    [["/org/freedesktop/secrets/session/s7", bytes(), bytes(...Buffer.from('{"token":"t"}')), "text/plain"]],
  ],
  ["an error's message", "s", ["No such secret collection at path: /org/x"]],
];

/** Other shapes it reads too, and shapes it leaves to the generic reader (undefined). */
const otherShapes: [string, string, DbusValue[], "read" | "left"][] = [
  ["basic values of every kind", "ybiuosg", [7, true, -3, 0xffffffff, "/o", "schlüssel ✓", "a{sv}"], "read"],
  ["a byte array", "ay", [bytes(0, 1, 254, 255)], "read"],
  ["strings in a struct after a byte", "y(ss)", [1, ["a", "bc"]], "read"],
  [
    "a variant of each basic kind",
    "vvvv",
    [variant("u", 9), variant("i", -1), variant("g", "s"), variant("y", 3)],
    "read",
  ],
  ["a dict of strings", "a{ss}", [[["service", "kcc"]]], "left"],
  ["a dict of variants", "a{sv}", [[["Label", variant("s", "x")]]], "left"],
  ["an array of byte arrays", "aay", [[bytes(1), bytes()]], "left"],
  ["a struct in a struct", "((y))", [[[1]]], "left"],
  ["a variant holding an array", "v", [variant("as", ["a"])], "left"],
  ["header fields", "a(yv)", [[[1, variant("o", "/p")]]], "left"],
];

/** `values` written by the generic writer after `prefix` bytes, so that every alignment is tried. */
function written(prefix: number, signature: string, values: DbusValue[]): Buffer {
  const writer = new DbusWriter();
  for (let i = 0; i < prefix; i += 1) writer.values("y", [0xaa]);
  writer.values(signature, values);
  return writer.toBuffer();
}

for (const [name, signature, values] of hitReplies) {
  test(`a keyring hit's reply is read in one pass, as the generic reader reads it: ${name} (${signature})`, () => {
    for (let prefix = 0; prefix < 8; prefix += 1) {
      const data = written(prefix, signature, values);
      const generic = new DbusReader(data, true, prefix).values(signature);
      assert.deepEqual(
        readPlainBody(data, true, prefix, data.length, signature),
        generic,
        `after ${prefix} bytes`,
      );
      assert.deepEqual(generic, values);
    }
  });
}

for (const [name, signature, values, expected] of otherShapes) {
  test(`other shapes: ${name} (${signature}) is ${expected === "read" ? "read as the generic reader reads it" : "left to the generic reader"}`, () => {
    for (let prefix = 0; prefix < 8; prefix += 1) {
      const data = written(prefix, signature, values);
      const plain = readPlainBody(data, true, prefix, data.length, signature);
      if (expected === "left") assert.equal(plain, undefined, `after ${prefix} bytes`);
      else
        assert.deepEqual(
          plain,
          new DbusReader(data, true, prefix).values(signature),
          `after ${prefix} bytes`,
        );
    }
  });
}

test("a boolean other than 0 or 1 is true, as the generic reader reads it", () => {
  const data = written(0, "v", [variant("b", true)]);
  data.writeUInt32LE(2, 4);
  assert.deepEqual(readPlainBody(data, true, 0, data.length, "v"), [variant("b", true)]);
  assert.deepEqual(new DbusReader(data, true, 0).values("v"), [variant("b", true)]);
});

test("malformed signatures are left to the generic reader, which says what is wrong", () => {
  for (const signature of ["(s", "s)", "()", "a", "v(", "d", "{ss}"])
    assert.equal(readPlainBody(Buffer.alloc(64), true, 0, 64, signature), undefined, signature);
});

/**
 * The one-pass reader never answers where the generic reader would not give the same answer: for
 * every body of a hit cut short or with bytes changed, it returns the generic reader's values or
 * undefined (and the generic reader then reads, or throws its DbusFormatError).
 */
function agreesOrLeaves(data: Buffer, end: number, signature: string, what: string): void {
  const plain = readPlainBody(data, true, 0, end, signature);
  if (plain === undefined) return;
  assert.deepEqual(plain, new DbusReader(data, true, 0, end).values(signature), what);
}

test("a hit's reply cut short anywhere is read as the generic reader reads it, or left to it", () => {
  for (const [name, signature, values] of hitReplies) {
    const data = written(0, signature, values);
    for (let end = 0; end <= data.length; end += 1)
      agreesOrLeaves(data, end, signature, `${name} cut at ${end}`);
  }
});

test("a hit's reply with changed bytes is read as the generic reader reads it, or left to it", () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    // The high bits: an LCG's low bits repeat with a short period.
    return (seed >>> 16) % 256;
  };
  for (const [name, signature, values] of hitReplies) {
    const clean = written(0, signature, values);
    for (let round = 0; round < 500; round += 1) {
      const data = Buffer.from(clean);
      for (let change = 0; change < 2; change += 1)
        data[random() % data.length] = random() < 128 ? random() : 0;
      agreesOrLeaves(data, data.length, signature, `${name}, round ${round}`);
    }
  }
});
