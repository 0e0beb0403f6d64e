import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DbusFormatError,
  DbusReader,
  DbusWriter,
  splitSignature,
  variant,
  type DbusValue,
} from "../../src/core/store/dbus-marshal.js";
import { decodeMessage, encodeCall, messageSize } from "../../src/core/store/dbus-message.js";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const SECRET = [
  "/org/freedesktop/secrets/session/1",
  bytes(),
  bytes(...Buffer.from('{"token":"t"}')),
  "text/plain",
] as const;

/** Round trips: what the Secret Service client writes and reads (one row per type). */
const roundTrips: [string, string, DbusValue[]][] = [
  ["a byte", "y", [255]],
  ["booleans", "bb", [true, false]],
  ["a negative int32", "i", [-2]],
  ["the largest uint32", "u", [0xffffffff]],
  ["an empty string", "s", [""]],
  ["a string beyond ASCII", "s", ["schlüssel ✓"]],
  ["an object path", "o", ["/org/freedesktop/secrets/collection/login"]],
  ["a signature", "g", ["a{sv}"]],
  ["an empty byte array", "ay", [bytes()]],
  ["a byte array", "ay", [bytes(0, 1, 254, 255)]],
  ["an empty array of paths (a search's empty answer)", "aoao", [[], []]],
  ["arrays of paths", "aoao", [["/a/1", "/a/2"], ["/b"]]],
  [
    "a dict of strings (search attributes)",
    "a{ss}",
    [
      [
        ["service", "kcc"],
        ["username", "exec=[]"],
      ],
    ],
  ],
  [
    "a dict of variants (item properties)",
    "a{sv}",
    [
      [
        ["Label", variant("s", "keyring:x@kcc")],
        ["Attributes", variant("a{ss}", [["service", "kcc"]])],
      ],
    ],
  ],
  ["a secret struct", "(oayays)", [[...SECRET]]],
  ["CreateItem's arguments", "a{sv}(oayays)b", [[["L", variant("s", "l")]], [...SECRET], true]],
  ["a struct after a byte (padding to 8)", "y(u)", [1, [7]]],
  ["a dict after a byte (padding of an empty array)", "ya{ss}", [1, []]],
  [
    "header fields",
    "a(yv)",
    [
      [
        [1, variant("o", "/p")],
        [8, variant("g", "s")],
      ],
    ],
  ],
  ["a variant holding a boolean (Properties.Get)", "v", [variant("b", true)]],
];
for (const [name, signature, values] of roundTrips) {
  test(`D-Bus values round-trip: ${name} (${signature})`, () => {
    const writer = new DbusWriter();
    writer.values(signature, values);
    const data = writer.toBuffer();
    const reader = new DbusReader(data, true, 0);
    assert.deepEqual(reader.values(signature), values);
    assert.equal(reader.at, data.length, "every byte read");
  });
}

test("a method call encodes to a whole message that decodes back to its serial, flags and body", () => {
  const call = encodeCall(
    {
      destination: "org.freedesktop.secrets",
      path: "/org/freedesktop/secrets",
      interface: "org.freedesktop.Secret.Service",
      member: "SearchItems",
      signature: "a{ss}",
      body: [[["service", "kube-credential-cache"]]],
      noAutoStart: true,
    },
    9,
  );
  assert.equal(call[0], 0x6c, "little endian");
  assert.equal(call[2], 0x2, "NO_AUTO_START flag");
  assert.equal(messageSize(call), call.length);
  assert.equal(call.readUInt32LE(8), 9, "serial");
  const decoded = decodeMessage(call);
  assert.deepEqual(
    { type: decoded.type, serial: decoded.serial, signature: decoded.signature, body: decoded.body },
    { type: 1, serial: 9, signature: "a{ss}", body: [[["service", "kube-credential-cache"]]] },
  );
});

/**
 * Calls whose body is plain (strings, object paths, a variant holding a string, a dict of strings),
 * which encodeCall writes in its header's pass.
 */
const plainCalls: [string, string, DbusValue[]][] = [
  ["no body (Hello)", "", []],
  ["one string (ReadAlias)", "s", ["default"]],
  ["two strings (Properties.Get)", "ss", ["org.freedesktop.Secret.Collection", "Locked"]],
  ["an object path (GetSecret)", "o", ["/org/freedesktop/secrets/session/1"]],
  ["strings beyond ASCII, and empty", "sos", ["schlüssel ✓", "/a", ""]],
  ["a string and a variant holding one (OpenSession)", "sv", ["plain", variant("s", "")]],
  [
    "a dict of strings (SearchItems)",
    "a{ss}",
    [
      [
        ["service", "kube-credential-cache"],
        ["username", 'user="alice" exec=["aws"]'],
      ],
    ],
  ],
  ["an empty dict", "a{ss}", [[]]],
  [
    "every plain part after odd lengths",
    "sa{ss}vo",
    [
      "x",
      [
        ["ä", "bb"],
        ["ccc", ""],
      ],
      variant("s", "schlüssel ✓"),
      "/o",
    ],
  ],
];
for (const [name, signature, body] of plainCalls) {
  test(`a call with a plain body is the generic writer's bytes: ${name}`, () => {
    const call = encodeCall(
      { destination: "d.e", path: "/p", interface: "i.f", member: "M", signature, body },
      3,
    );
    assert.equal(messageSize(call), call.length);
    const fieldsEnd = 16 + call.readUInt32LE(12);
    const bodyStart = Math.ceil(fieldsEnd / 8) * 8;
    const writer = new DbusWriter();
    writer.values(signature, body);
    assert.deepEqual(
      call.subarray(bodyStart),
      writer.toBuffer(),
      "the body, as the generic writer writes it",
    );
    assert.equal(call.readUInt32LE(4), writer.length, "the header's body length");
    const decoded = decodeMessage(call);
    assert.deepEqual([decoded.serial, decoded.signature, decoded.body], [3, signature, body]);
  });
}

test("a fixed header not yet complete has no size yet", () => {
  assert.equal(messageSize(Buffer.alloc(15, 0x6c)), undefined);
});

/** A reply to serial 3, laid out by hand from the D-Bus specification, in either byte order. */
function reply(
  order: "l" | "B",
  signature: string,
  body: (u32: (n: number) => number[]) => number[],
): Buffer {
  const u32 = (value: number): number[] => {
    const le = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
    return order === "l" ? le : le.reverse();
  };
  const sig = [...Buffer.from(signature)];
  // Field 5 (reply serial, "u"), then field 8 (signature, "g"): 8 + 4 + signature bytes.
  const fields = [5, 1, 0x75, 0, ...u32(3), 8, 1, 0x67, 0, sig.length, ...sig, 0];
  const bodyBytes = body(u32);
  const header = [order.charCodeAt(0), 2, 0, 1, ...u32(bodyBytes.length), ...u32(7), ...u32(fields.length)];
  const padding = (8 - ((header.length + fields.length) % 8)) % 8;
  return Buffer.from([...header, ...fields, ...Array<number>(padding).fill(0), ...bodyBytes]);
}
const text = (u32: (n: number) => number[], value: string): number[] => [
  ...u32(value.length),
  ...Buffer.from(value),
  0,
];

const replies: [string, string, (u32: (n: number) => number[]) => number[], DbusValue[]][] = [
  ["a variant holding true (Properties.Get)", "v", (u32) => [1, 0x62, 0, 0, ...u32(1)], [variant("b", true)]],
  [
    "SearchItems: one unlocked item, none locked",
    "aoao",
    (u32) => [...u32(12), ...text(u32, "/c/1234"), ...u32(0)],
    [["/c/1234"], []],
  ],
  [
    "GetSecret: (session, params, value, content type)",
    "(oayays)",
    (u32) => [...text(u32, "/s/1"), 0, 0, 0, ...u32(0), ...u32(2), 0x68, 0x69, 0, 0, ...text(u32, "t")],
    [["/s/1", bytes(), bytes(0x68, 0x69), "t"]],
  ],
];
for (const [name, signature, body, expected] of replies) {
  for (const order of ["l", "B"] as const) {
    test(`replies are read in ${order === "l" ? "little" : "big"}-endian order: ${name}`, () => {
      const message = reply(order, signature, body);
      assert.equal(messageSize(message), message.length);
      const decoded = decodeMessage(message);
      assert.deepEqual(
        { type: decoded.type, replySerial: decoded.replySerial, body: decoded.body },
        { type: 2, replySerial: 3, body: expected },
      );
    });
  }
}

const valid = reply("l", "(oayays)", (u32) => [...text(u32, "/s/1"), 0, 0, 0, ...u32(0), ...u32(1), 0x7a]);

/** Bytes that are not a D-Bus message: a DbusFormatError, and nothing else, ever. */
const garbage: [string, () => unknown][] = [
  ["an empty buffer", () => decodeMessage(Buffer.alloc(0))],
  ["no byte order mark", () => decodeMessage(Buffer.from("GET / HTTP/1.1\r\n\r\n"))],
  [
    "a size past the specification's limit",
    () => messageSize(Buffer.from([0x6c, 2, 0, 1, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0, 0, 0, 0])),
  ],
  ["a body shorter than its header says", () => decodeMessage(valid.subarray(0, valid.length - 1))],
  [
    "a string without its NUL",
    () => new DbusReader(Buffer.from([1, 0, 0, 0, 0x61, 0x62]), true, 0).value("s"),
  ],
  ["an array longer than allowed", () => new DbusReader(Buffer.from([0, 0, 0, 0x10]), true, 0).value("ay")],
  ["an array longer than the data", () => new DbusReader(Buffer.from([9, 0, 0, 0, 1]), true, 0).value("ay")],
  ["a variant of two types", () => new DbusReader(Buffer.from([2, 0x79, 0x79, 0, 1, 1]), true, 0).value("v")],
  ["an unsupported type", () => splitSignature("d")],
  ["an unclosed struct", () => splitSignature("(s")],
  ["a dict entry of three", () => splitSignature("{sss}")],
  ["an empty struct", () => splitSignature("()")],
  ["a signature nested too deep", () => splitSignature(`${"a".repeat(70)}y`)],
  [
    "variants nested too deep",
    () => new DbusReader(Buffer.from(Array<number[]>(70).fill([1, 0x76, 0]).flat()), true, 0).value("v"),
  ],
  [
    "a value that does not fit its type",
    () => {
      new DbusWriter().values("s", [1]);
    },
  ],
  [
    "too few values for a signature",
    () => {
      new DbusWriter().values("ss", ["a"]);
    },
  ],
];
for (const [name, run] of garbage) {
  test(`not a D-Bus message: ${name} is a DbusFormatError`, () => {
    assert.throws(run, DbusFormatError);
  });
}

test("not a D-Bus message: every truncation of a valid reply is undefined size or a DbusFormatError", () => {
  for (let length = 0; length < valid.length; length += 1) {
    const part = valid.subarray(0, length);
    const size = messageSize(part);
    if (size === undefined) continue;
    assert.throws(() => decodeMessage(part), DbusFormatError, `cut at ${length}`);
  }
});

test("not a D-Bus message: random bytes after a valid fixed header never throw anything else", () => {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % 256;
  };
  for (let round = 0; round < 2_000; round += 1) {
    const data = Buffer.from(valid);
    for (let flip = 0; flip < 4; flip += 1) data[12 + (random() % (data.length - 12))] = random();
    try {
      decodeMessage(data);
    } catch (error) {
      assert.ok(error instanceof DbusFormatError, `round ${round}: ${String(error)}`);
    }
  }
});
