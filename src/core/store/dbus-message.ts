/**
 * The D-Bus wire format, as far as kcc-cache's Secret Service probe needs it (src/io/keyring-dbus.ts):
 * method calls with string arguments, written little-endian, and replies of one basic or variant
 * value, read in either byte order. Pure: bytes in, bytes out.
 */
export interface MethodCall {
  readonly destination: string;
  readonly path: string;
  readonly interface: string;
  readonly member: string;
  /** Body arguments; only strings ("s") are needed here. */
  readonly args?: readonly string[];
  /** Do not start (D-Bus activate) the destination if nobody owns its name. */
  readonly noAutoStart?: boolean;
}

export type DbusValue = string | number | boolean | undefined;

const NO_AUTO_START = 0x2;

class Writer {
  private readonly bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  align(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  byte(value: number): void {
    this.bytes.push(value & 0xff);
  }
  uint32(value: number): void {
    this.align(4);
    this.bytes.push(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff);
  }
  setUint32(at: number, value: number): void {
    this.bytes.splice(
      at,
      4,
      value & 0xff,
      (value >>> 8) & 0xff,
      (value >>> 16) & 0xff,
      (value >>> 24) & 0xff,
    );
  }
  string(value: string): void {
    const data = Buffer.from(value);
    this.uint32(data.length);
    for (const b of data) this.bytes.push(b);
    this.bytes.push(0);
  }
  signature(value: string): void {
    this.byte(value.length);
    for (const b of Buffer.from(value)) this.bytes.push(b);
    this.bytes.push(0);
  }
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

export function encodeCall(message: MethodCall, serial: number): Buffer {
  const args = message.args ?? [];
  const body = new Writer();
  for (const arg of args) body.string(arg);

  const header = new Writer();
  header.byte(0x6c); // 'l': little endian
  header.byte(1); // METHOD_CALL
  header.byte(message.noAutoStart === true ? NO_AUTO_START : 0);
  header.byte(1); // protocol version
  header.uint32(body.length);
  header.uint32(serial);
  header.uint32(0); // header fields length, patched below
  const fieldsStart = header.length;
  const field = (code: number, signature: string, write: () => void): void => {
    header.align(8);
    header.byte(code);
    header.signature(signature);
    write();
  };
  field(1, "o", () => {
    header.string(message.path);
  });
  field(2, "s", () => {
    header.string(message.interface);
  });
  field(3, "s", () => {
    header.string(message.member);
  });
  field(6, "s", () => {
    header.string(message.destination);
  });
  if (args.length > 0) {
    field(8, "g", () => {
      header.signature("s".repeat(args.length));
    });
  }
  header.setUint32(12, header.length - fieldsStart);
  header.align(8);
  return Buffer.concat([header.toBuffer(), body.toBuffer()]);
}

/** The whole message's length once its fixed header is in, else undefined. */
export function messageSize(buffer: Buffer): number | undefined {
  if (buffer.length < 16) return undefined;
  const little = buffer[0] === 0x6c;
  const bodyLength = little ? buffer.readUInt32LE(4) : buffer.readUInt32BE(4);
  const fieldsLength = little ? buffer.readUInt32LE(12) : buffer.readUInt32BE(12);
  const headerEnd = Math.ceil((16 + fieldsLength) / 8) * 8;
  return headerEnd + bodyLength;
}

export interface Decoded {
  readonly type: number;
  readonly replySerial: number | undefined;
  readonly errorName: string | undefined;
  readonly value: DbusValue;
}

export function decodeMessage(data: Buffer): Decoded {
  const little = data[0] === 0x6c;
  let at = 0;
  const align = (n: number): void => {
    at = Math.ceil(at / n) * n;
  };
  const u32 = (): number => {
    align(4);
    const value = little ? data.readUInt32LE(at) : data.readUInt32BE(at);
    at += 4;
    return value;
  };
  const str = (): string => {
    const length = u32();
    const text = data.toString("utf8", at, at + length);
    at += length + 1;
    return text;
  };
  const sig = (): string => {
    const length = data[at] ?? 0;
    const text = data.toString("latin1", at + 1, at + 1 + length);
    at += length + 2;
    return text;
  };
  // Reads a single value of a basic or variant type; other types end the decoding (undefined).
  const value = (signature: string): DbusValue => {
    switch (signature) {
      case "s":
      case "o":
        return str();
      case "g":
        return sig();
      case "u":
        return u32();
      case "b":
        return u32() !== 0;
      case "v":
        return value(sig());
      default:
        return undefined;
    }
  };
  const type = data[1] ?? 0;
  const fieldsLength = little ? data.readUInt32LE(12) : data.readUInt32BE(12);
  at = 16;
  const fieldsEnd = 16 + fieldsLength;
  let replySerial: number | undefined;
  let errorName: string | undefined;
  let bodySignature = "";
  while (at < fieldsEnd) {
    align(8);
    const code = data[at] ?? 0;
    at += 1;
    const fieldValue = value(sig());
    if (code === 5 && typeof fieldValue === "number") replySerial = fieldValue;
    if (code === 4 && typeof fieldValue === "string") errorName = fieldValue;
    if (code === 8 && typeof fieldValue === "string") bodySignature = fieldValue;
  }
  at = Math.ceil(fieldsEnd / 8) * 8;
  const first = bodySignature[0];
  return { type, replySerial, errorName, value: first === undefined ? undefined : value(first) };
}
