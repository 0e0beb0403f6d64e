import { DbusFormatError, DbusReader, DbusWriter, variant, type DbusValue } from "./dbus-marshal.js";

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

export const MESSAGE_TYPE = { call: 1, reply: 2, error: 3, signal: 4 } as const;

const NO_AUTO_START = 0x2;
/** The specification's largest message. */
const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;
const HEADER = "yyyyuua(yv)";
const FIELD = {
  path: 1,
  interface: 2,
  member: 3,
  errorName: 4,
  replySerial: 5,
  destination: 6,
  signature: 8,
};

export function encodeCall(message: MethodCall, serial: number): Buffer {
  const signature = message.signature ?? "";
  const bodyWriter = new DbusWriter();
  bodyWriter.values(signature, message.body ?? []);
  const body = bodyWriter.toBuffer();
  const fields: DbusValue[] = [
    [FIELD.path, variant("o", message.path)],
    [FIELD.interface, variant("s", message.interface)],
    [FIELD.member, variant("s", message.member)],
    [FIELD.destination, variant("s", message.destination)],
  ];
  if (signature !== "") fields.push([FIELD.signature, variant("g", signature)]);
  const header = new DbusWriter();
  const flags = message.noAutoStart === true ? NO_AUTO_START : 0;
  // 'l': little endian; protocol version 1.
  header.values(HEADER, [0x6c, MESSAGE_TYPE.call, flags, 1, body.length, serial, fields]);
  header.align(8);
  return Buffer.concat([header.toBuffer(), body]);
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
  const reader = new DbusReader(data, little, 0);
  // "yyyyuua(yv)": byte order, type, flags, version, body length, serial, header fields.
  const header = reader.values(HEADER);
  const [type, bodyLength, serial] = [header[1], header[4], header[5]] as [number, number, number];
  const fields = header[6] as [number, { value: DbusValue }][];
  const field = (code: number): DbusValue | undefined => fields.find(([at]) => at === code)?.[1].value;
  const text = (code: number): string | undefined => {
    const value = field(code);
    return typeof value === "string" ? value : undefined;
  };
  const replySerial = field(FIELD.replySerial);
  const signature = text(FIELD.signature) ?? "";
  reader.align(8);
  const bodyStart = reader.at;
  if (bodyStart + bodyLength > data.length) throw new DbusFormatError("D-Bus message is truncated");
  const body = new DbusReader(data, little, bodyStart, bodyStart + bodyLength).values(signature);
  return {
    type,
    serial,
    replySerial: typeof replySerial === "number" ? replySerial : undefined,
    errorName: text(FIELD.errorName),
    signature,
    body,
  };
}

function byteOrder(data: Buffer): boolean {
  if (data[0] === 0x6c) return true;
  if (data[0] === 0x42) return false;
  throw new DbusFormatError("not a D-Bus message (no byte order mark)");
}
