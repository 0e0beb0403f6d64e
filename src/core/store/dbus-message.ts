import { DbusFormatError, DbusReader, DbusWriter, type DbusValue, type DbusVariant } from "./dbus-marshal.js";
import { readPlainBody } from "./dbus-plain-body.js";

/**
 * D-Bus messages, as far as kcc-cache's Secret Service client needs them (src/io/secret-store/dbus-connection.ts):
 * method calls written little-endian, and any message read in either byte order. Pure: bytes in,
 * bytes out; bytes that are not a message are a DbusFormatError (core/store/dbus-marshal.ts).
 */
export interface MethodCall {
  readonly destination: string;
  readonly path: string;
  readonly interface: string;
  readonly member: string;
  /** The body's signature, one complete type per value of `body`. */
  readonly signature?: string;
  readonly body?: readonly DbusValue[];
  /** Do not start (D-Bus activate) the destination if nobody owns its name. */
  readonly noAutoStart?: boolean;
}

const MESSAGE_TYPE = { call: 1, reply: 2, error: 3, signal: 4 } as const;

/** What a call was answered: its reply's values, or the error the bus or the service sent instead. */
export type DbusReply =
  | { readonly ok: true; readonly body: readonly DbusValue[] }
  | { readonly ok: false; readonly error: string; readonly message: string };

const NO_AUTO_START = 0x2;
/** The specification's largest message. */
const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;
const FIELD = {
  path: 1,
  interface: 2,
  member: 3,
  errorName: 4,
  replySerial: 5,
  destination: 6,
  signature: 8,
};

/*
 * The header is written and read in one pass each, not through the generic writer and reader: a keyring
 * hit writes seven calls and reads eight messages, and the generic code's several small calls per header
 * field made bun's JIT compile them on every kubectl call, which cost the call more than the bytes
 * (docs/startup.md); alignment is inline bit arithmetic for the same reason (sizes stay below 2^31).
 * A header field holds a string, an object path, a signature or a serial; a field of
 * any other type is read through the generic reader. A body of plain parts (strings and object paths,
 * a variant holding a string, a dict of strings: every call of a keyring hit, OpenSession's and
 * SearchItems' among them) is written in the same pass, into the same buffer; only other bodies go
 * through the generic writer, whose first use cost a keyring hit about 0.5 ms (docs/startup.md, "A
 * keyring hit at once"). Likewise a body of the shapes a hit's replies have is read in one pass
 * (core/store/dbus-plain-body.ts); only other bodies go through the generic reader.
 */

type HeaderField = readonly [code: number, type: "o" | "s" | "g", text: string];

export function encodeCall(message: MethodCall, serial: number): Buffer {
  const signature = message.signature ?? "";
  const values = message.body ?? [];
  const parts = plainParts(signature, values);
  let body: Buffer | undefined;
  if (parts === undefined) {
    const bodyWriter = new DbusWriter();
    bodyWriter.values(signature, values);
    body = bodyWriter.toBuffer();
  }
  const fields: HeaderField[] = [
    [FIELD.path, "o", message.path],
    [FIELD.interface, "s", message.interface],
    [FIELD.member, "s", message.member],
    [FIELD.destination, "s", message.destination],
  ];
  if (signature !== "") fields.push([FIELD.signature, "g", signature]);
  if (signature.length > 255) throw new DbusFormatError("D-Bus signature is longer than allowed");
  // Room for each field's alignment, code, signature and length, and the text with its NUL.
  let capacity = 16;
  for (const [, , text] of fields) capacity += 16 + Buffer.byteLength(text) + 1;
  for (const part of parts ?? []) capacity += partCapacity(part);
  const out = Buffer.alloc(capacity + 8);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  // 'l': little endian; protocol version 1.
  out[0] = 0x6c;
  out[1] = MESSAGE_TYPE.call;
  out[2] = message.noAutoStart === true ? NO_AUTO_START : 0;
  out[3] = 1;
  view.setUint32(8, serial, true);
  let at = 16;
  // Buffer.alloc zero-fills: the padding and every NUL are already there.
  for (const [code, type, text] of fields) {
    at = (at + 7) & ~7;
    out[at] = code;
    out[at + 1] = 1;
    out[at + 2] = type.charCodeAt(0);
    at += 4;
    if (type === "g") {
      out[at] = text.length;
      at += 1 + out.write(text, at + 1, "latin1") + 1;
    } else {
      const length = out.write(text, at + 4, "utf8");
      view.setUint32(at, length, true);
      at += 4 + length + 1;
    }
  }
  view.setUint32(12, at - 16, true);
  const bodyStart = (at + 7) & ~7;
  if (body !== undefined) {
    view.setUint32(4, body.length, true);
    return Buffer.concat([out.subarray(0, bodyStart), body]);
  }
  at = bodyStart;
  for (const part of parts ?? []) at = writePart(out, view, at, part);
  view.setUint32(4, at - bodyStart, true);
  return out.subarray(0, at);
}

/**
 * What the one pass writes: a string or object path ("s", "o"), a variant holding a string ("v" of
 * "s"), a dict of strings ("a{ss}", its entries as [key, value] pairs).
 */
type PlainPart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "variant-text"; readonly text: string }
  | { readonly kind: "dict"; readonly entries: readonly (readonly [string, string])[] };

/** The body as plain parts, or undefined when any of it is of another type (or does not fit its type). */
function plainParts(signature: string, values: readonly DbusValue[]): PlainPart[] | undefined {
  const parts: PlainPart[] = [];
  let at = 0;
  for (const value of values) {
    const code = signature[at];
    if ((code === "s" || code === "o") && typeof value === "string") {
      parts.push({ kind: "text", text: value });
      at += 1;
    } else if (code === "v" && isStringVariant(value)) {
      parts.push({ kind: "variant-text", text: value.value });
      at += 1;
    } else if (signature.startsWith("a{ss}", at) && isStringDict(value)) {
      parts.push({ kind: "dict", entries: value });
      at += 5;
    } else {
      return undefined;
    }
  }
  return at === signature.length ? parts : undefined;
}

function isStringVariant(value: DbusValue | undefined): value is DbusVariant & { readonly value: string } {
  return (
    typeof value === "object" &&
    "signature" in value &&
    value.signature === "s" &&
    typeof value.value === "string"
  );
}

function isStringDict(value: DbusValue | undefined): value is readonly (readonly [string, string])[] {
  if (!Array.isArray(value)) return false;
  for (const entry of value as readonly DbusValue[])
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== "string" ||
      typeof entry[1] !== "string"
    )
      return false;
  return true;
}

/** The most bytes a part can take: each string's alignment (3), length (4) and NUL, each entry's alignment (7). */
function partCapacity(part: PlainPart): number {
  const text = (value: string): number => 8 + Buffer.byteLength(value) + 1;
  switch (part.kind) {
    case "text":
      return text(part.text);
    case "variant-text":
      return 3 + text(part.text);
    case "dict": {
      let bytes = 12;
      for (const [key, value] of part.entries) bytes += 7 + text(key) + text(value);
      return bytes;
    }
  }
}

/** Writes a string at `at` (aligned to 4 first) and returns where the next value starts. */
function writeText(out: Buffer, view: DataView, at: number, text: string): number {
  const start = (at + 3) & ~3;
  const length = out.write(text, start + 4, "utf8");
  view.setUint32(start, length, true);
  return start + 4 + length + 1;
}

/** Writes `part` at `at` into a zero-filled `out`, aligned as the generic writer aligns it. */
function writePart(out: Buffer, view: DataView, at: number, part: PlainPart): number {
  switch (part.kind) {
    case "text":
      return writeText(out, view, at, part.text);
    case "variant-text":
      // The variant's signature: its length (1), "s" and a NUL; then the string.
      out[at] = 1;
      out[at + 1] = 0x73;
      return writeText(out, view, at + 3, part.text);
    case "dict": {
      // The array's byte length, then its entries, each aligned to 8 as a struct; the length leaves
      // out the padding before the first entry.
      const lengthAt = (at + 3) & ~3;
      const start = (lengthAt + 4 + 7) & ~7;
      let next = start;
      for (const [key, value] of part.entries) {
        next = writeText(out, view, (next + 7) & ~7, key);
        next = writeText(out, view, next, value);
      }
      view.setUint32(lengthAt, next - start, true);
      return next;
    }
  }
}

/**
 * The whole message's length once its fixed header is in, else undefined. A first byte that is no
 * byte order, or a size past the specification's limit, is a DbusFormatError: garbage on the socket
 * must end the wait, not extend it.
 */
export function messageSize(buffer: Buffer): number | undefined {
  if (buffer.length < 16) return undefined;
  const little = byteOrder(buffer);
  const bodyLength = little ? buffer.readUInt32LE(4) : buffer.readUInt32BE(4);
  const fieldsLength = little ? buffer.readUInt32LE(12) : buffer.readUInt32BE(12);
  const size = Math.ceil((16 + fieldsLength) / 8) * 8 + bodyLength;
  if (size > MAX_MESSAGE_BYTES) throw new DbusFormatError("D-Bus message is larger than allowed");
  return size;
}

export interface Decoded {
  readonly type: number;
  readonly serial: number;
  readonly replySerial: number | undefined;
  readonly errorName: string | undefined;
  readonly signature: string;
  readonly body: readonly DbusValue[];
}

export function decodeMessage(data: Buffer): Decoded {
  const little = byteOrder(data);
  if (data.length < 16) throw truncated();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // "yyyyuua(yv)": byte order, type, flags, version, body length, serial, header fields.
  const type = data[1] ?? 0;
  const bodyLength = view.getUint32(4, little);
  const serial = view.getUint32(8, little);
  const fieldsLength = view.getUint32(12, little);
  if (fieldsLength > MAX_MESSAGE_BYTES) throw new DbusFormatError("D-Bus array is longer than allowed");
  const end = 16 + fieldsLength;
  if (end > data.length) throw truncated();
  let replySerial: number | undefined;
  let errorName: string | undefined;
  let signature = "";
  for (let at = 16; at < end;) {
    at = (at + 7) & ~7;
    // A field: its code, then a variant (signature, value).
    if (at + 4 > end) throw truncated();
    const code = data[at] ?? 0;
    const kind = data[at + 1] === 1 && data[at + 3] === 0 ? String.fromCharCode(data[at + 2] ?? 0) : "";
    let value: DbusValue;
    if (kind === "s" || kind === "o") {
      const start = (at + 7) & ~3;
      if (start + 4 > end) throw truncated();
      const length = view.getUint32(start, little);
      at = start + 4 + length;
      if (at + 1 > end) throw truncated();
      if (data[at] !== 0) throw new DbusFormatError("D-Bus string is not NUL-terminated");
      value = data.toString("utf8", start + 4, at);
      at += 1;
    } else if (kind === "g") {
      const length = data[at + 4] ?? 0;
      at += 5 + length;
      if (at + 1 > end) throw truncated();
      if (data[at] !== 0) throw new DbusFormatError("D-Bus string is not NUL-terminated");
      value = data.toString("latin1", at - length, at);
      at += 1;
    } else if (kind === "u") {
      at = (at + 7) & ~3;
      if (at + 4 > end) throw truncated();
      value = view.getUint32(at, little);
      at += 4;
    } else {
      const reader = new DbusReader(data, little, at + 1, end);
      value = (reader.value("v") as DbusVariant).value;
      at = reader.at;
    }
    if (code === FIELD.replySerial && typeof value === "number") replySerial = value;
    else if (code === FIELD.errorName && typeof value === "string") errorName = value;
    else if (code === FIELD.signature && typeof value === "string") signature = value;
  }
  const bodyStart = (end + 7) & ~7;
  if (bodyStart + bodyLength > data.length) throw truncated();
  const bodyEnd = bodyStart + bodyLength;
  const body =
    readPlainBody(data, little, bodyStart, bodyEnd, signature) ??
    new DbusReader(data, little, bodyStart, bodyEnd).values(signature);
  return { type, serial, replySerial, errorName, signature, body };
}

/** A message as the answer to the call it names (replySerial), or undefined for anything else (signals). */
export function replyOf(message: Decoded): DbusReply | undefined {
  if (message.replySerial === undefined) return undefined;
  if (message.type === MESSAGE_TYPE.reply) return { ok: true, body: message.body };
  if (message.type !== MESSAGE_TYPE.error) return undefined;
  const first = message.body[0];
  return {
    ok: false,
    error: message.errorName ?? "unknown",
    message: typeof first === "string" ? first : "",
  };
}

/**
 * The bus's one line of answer to AUTH and BEGIN, which come before any message, and the bytes after
 * it; undefined until the whole line is in.
 */
export function takeAuthLine(buffer: Buffer): { readonly line: string; readonly rest: Buffer } | undefined {
  const end = buffer.indexOf("\r\n");
  if (end < 0) return undefined;
  return { line: buffer.subarray(0, end).toString("latin1"), rest: buffer.subarray(end + 2) };
}

/** The first message in `buffer`, decoded, and the bytes after it; undefined until it is all in. */
export function takeMessage(
  buffer: Buffer,
): { readonly message: Decoded; readonly rest: Buffer } | undefined {
  const size = messageSize(buffer);
  if (size === undefined || buffer.length < size) return undefined;
  return { message: decodeMessage(buffer.subarray(0, size)), rest: buffer.subarray(size) };
}

const truncated = (): DbusFormatError => new DbusFormatError("D-Bus message is truncated");

function byteOrder(data: Buffer): boolean {
  if (data[0] === 0x6c) return true;
  if (data[0] === 0x42) return false;
  throw new DbusFormatError("not a D-Bus message (no byte order mark)");
}
