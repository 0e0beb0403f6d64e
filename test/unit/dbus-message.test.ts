import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeMessage, encodeCall, messageSize } from "../../src/core/store/dbus-message.js";

test("a method call encodes to a whole message that decodes back to its type and first argument", () => {
  const call = encodeCall(
    {
      destination: "org.freedesktop.secrets",
      path: "/org/freedesktop/secrets",
      interface: "org.freedesktop.Secret.Service",
      member: "ReadAlias",
      args: ["default"],
      noAutoStart: true,
    },
    9,
  );
  assert.equal(call[0], 0x6c, "little endian");
  assert.equal(call[2], 0x2, "NO_AUTO_START flag");
  assert.equal(messageSize(call), call.length);
  assert.equal(messageSize(call.subarray(0, 15)), undefined, "an incomplete fixed header has no size yet");
  assert.equal(call.readUInt32LE(8), 9, "serial");
  const decoded = decodeMessage(call);
  assert.equal(decoded.type, 1);
  assert.equal(decoded.value, "default");
});

// A METHOD_RETURN to serial 3 whose body is a variant holding the boolean true, laid out by hand
// from the D-Bus specification, in both byte orders.
function reply(order: "l" | "B"): Buffer {
  const u32 = (value: number): number[] => {
    const bytes = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
    return order === "l" ? bytes : bytes.reverse();
  };
  const header = [order.charCodeAt(0), 2, 0, 1, ...u32(8), ...u32(7), ...u32(15)];
  const fields = [5, 1, 0x75, 0, ...u32(3), 8, 1, 0x67, 0, 1, 0x76, 0];
  const body = [1, 0x62, 0, 0, ...u32(1)];
  return Buffer.from([...header, ...fields, 0, ...body]);
}

test("replies are read in either byte order", () => {
  for (const order of ["l", "B"] as const) {
    const message = reply(order);
    assert.equal(messageSize(message), message.length, order);
    assert.deepEqual(
      decodeMessage(message),
      { type: 2, replySerial: 3, errorName: undefined, value: true },
      order,
    );
  }
});
