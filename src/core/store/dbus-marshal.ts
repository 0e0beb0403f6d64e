import { StoreError } from "../errors.js";

/**
 * D-Bus values in the wire format, as far as the Secret Service needs them (docs/secret-store.md):
 * bytes, booleans, 32-bit integers, strings, object paths, signatures, arrays, structs, dict entries
 * and variants. Written little-endian, read in either byte order. Pure: bytes in, bytes out. Bytes
 * that break the format (truncated, garbage, nested too deep) are a DbusFormatError, never another
 * exception; its message names the fault and never quotes the bytes, which may be a secret.
 *
 * Values: y/i/u are numbers, b a boolean, s/o/g strings, `ay` a Uint8Array, other arrays, structs and
 * dict entries arrays (a dict is an array of [key, value] pairs), a variant a DbusVariant.
 */
export type DbusValue = string | number | boolean | Uint8Array | DbusVariant | readonly DbusValue[];

export interface DbusVariant {
  readonly signature: string;
  readonly value: DbusValue;
}

export const variant = (signature: string, value: DbusValue): DbusVariant => ({ signature, value });

export class DbusFormatError extends StoreError {}

/** The specification's limits: an array's bytes, and nesting of arrays plus structs. */
export const MAX_ARRAY_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 64;

const ALIGN: Readonly<Record<string, number>> = {
  y: 1,
  b: 4,
  i: 4,
  u: 4,
  s: 4,
  o: 4,
  g: 1,
  a: 4,
  "(": 8,
  "{": 8,
  v: 1,
};

/** The end (exclusive) of the single complete type starting at `at` in `signature`. */
function typeEnd(signature: string, at: number, depth = 0): number {
  if (depth > MAX_DEPTH) throw new DbusFormatError("D-Bus signature nested too deep");
  const code = signature[at];
  if (code === "a") return typeEnd(signature, at + 1, depth + 1);
  if (code === "(" || code === "{") {
    const close = code === "(" ? ")" : "}";
    let next = at + 1;
    let members = 0;
    while (signature[next] !== close) {
      if (next >= signature.length) throw new DbusFormatError("D-Bus signature has an unclosed container");
      next = typeEnd(signature, next, depth + 1);
      members += 1;
    }
    if (members === 0 || (code === "{" && members !== 2))
      throw new DbusFormatError("D-Bus signature has a malformed struct or dict entry");
    return next + 1;
  }
  if (code === undefined || ALIGN[code] === undefined)
    throw new DbusFormatError(`D-Bus type ${JSON.stringify(code ?? "")} is not supported here`);
  return at + 1;
}

/**
 * Signatures already split: a call meets the same few again and again, and each split is several
 * recursive calls (why calls are counted here: docs/startup.md).
 */
let splitCache: Map<string, readonly string[]> | undefined;

/** The complete types of a signature, in order ("sa{sv}" -> ["s", "a{sv}"]). */
export function splitSignature(signature: string): readonly string[] {
  // Made on first use: a keyring hit splits no signature, and a Map made as the module loads costs it
  // a heap block (docs/startup.md, "The heap's warm-up thread").
  splitCache ??= new Map();
  const known = splitCache.get(signature);
  if (known !== undefined) return known;
  const types: string[] = [];
  for (let at = 0; at < signature.length;) {
    const end = typeEnd(signature, at);
    types.push(signature.slice(at, end));
    at = end;
  }
  if (splitCache.size < 64) splitCache.set(signature, types);
  return types;
}

/** Appends values little-endian; offsets count from the message's start, where alignment is measured. */
export class DbusWriter {
  private buffer = Buffer.alloc(256);
  private size = 0;
  get length(): number {
    return this.size;
  }
  private room(n: number): void {
    if (this.size + n <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.size + n));
    this.buffer.copy(grown, 0, 0, this.size);
    this.buffer = grown;
  }
  align(n: number): void {
    const padded = Math.ceil(this.size / n) * n;
    this.room(padded - this.size);
    this.buffer.fill(0, this.size, padded);
    this.size = padded;
  }
  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.buffer.set(data, this.size);
    this.size += data.length;
  }
  uint32(value: number): void {
    this.align(4);
    this.room(4);
    this.buffer.writeUInt32LE(value >>> 0, this.size);
    this.size += 4;
  }
  setUint32(at: number, value: number): void {
    this.buffer.writeUInt32LE(value >>> 0, at);
  }
  /** Writes each value by its complete type in `signature`. */
  values(signature: string, values: readonly DbusValue[]): void {
    const types = splitSignature(signature);
    if (types.length !== values.length)
      throw new DbusFormatError(
        `D-Bus signature ${signature} wants ${types.length} values, got ${values.length}`,
      );
    // Loops, not forEach or map, here and in the reader: no array builtin on a keyring hit
    // (docs/startup.md, "Builtins a hit compiles").
    for (let at = 0; at < types.length; at += 1) this.value(types[at] as string, values[at] as DbusValue);
  }
  value(type: string, value: DbusValue): void {
    const code = type[0] ?? "";
    const wrong = (): DbusFormatError => new DbusFormatError(`a value does not fit D-Bus type ${type}`);
    switch (code) {
      case "y":
        if (typeof value !== "number") throw wrong();
        this.bytes(Uint8Array.of(value & 0xff));
        return;
      case "b":
        if (typeof value !== "boolean") throw wrong();
        this.uint32(value ? 1 : 0);
        return;
      case "i":
      case "u":
        if (typeof value !== "number") throw wrong();
        this.uint32(value);
        return;
      case "s":
      case "o": {
        // One reservation and inline writes: strings are most of what is written.
        if (typeof value !== "string") throw wrong();
        const length = Buffer.byteLength(value, "utf8");
        this.room(3 + 4 + length + 1);
        while (this.size % 4 !== 0) this.buffer[this.size++] = 0;
        this.buffer.writeUInt32LE(length, this.size);
        this.size += 4 + this.buffer.write(value, this.size + 4, "utf8");
        this.buffer[this.size++] = 0;
        return;
      }
      case "g": {
        if (typeof value !== "string") throw wrong();
        this.bytes(Uint8Array.of(value.length));
        this.bytes(Buffer.from(value, "latin1"));
        this.bytes(Uint8Array.of(0));
        return;
      }
      case "v":
        if (typeof value !== "object" || !("signature" in value)) throw wrong();
        typeEnd(value.signature, 0);
        this.value("g", value.signature);
        this.value(value.signature, value.value);
        return;
      case "a": {
        const element = type.slice(1);
        this.uint32(0);
        const lengthAt = this.length - 4;
        this.align(ALIGN[element[0] ?? ""] ?? 1);
        const start = this.length;
        if (element === "y" && value instanceof Uint8Array) this.bytes(value);
        else {
          if (!Array.isArray(value)) throw wrong();
          for (const item of value as readonly DbusValue[]) this.value(element, item);
        }
        this.setUint32(lengthAt, this.length - start);
        return;
      }
      case "(":
      case "{": {
        if (!Array.isArray(value)) throw wrong();
        this.align(8);
        this.values(type.slice(1, -1), value as readonly DbusValue[]);
        return;
      }
      default:
        throw wrong();
    }
  }
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.size));
  }
}

/** Reads values from `data[start, end)`, alignment measured from the message's first byte (index 0). */
export class DbusReader {
  private depth = 0;
  constructor(
    private readonly data: Buffer,
    private readonly little: boolean,
    public at: number,
    private readonly end: number = data.length,
  ) {}
  private need(n: number): void {
    if (n < 0 || this.at + n > this.end) throw new DbusFormatError("D-Bus message is truncated");
  }
  align(n: number): void {
    const padded = Math.ceil(this.at / n) * n;
    this.need(padded - this.at);
    this.at = padded;
  }
  byte(): number {
    this.need(1);
    const value = this.data[this.at] ?? 0;
    this.at += 1;
    return value;
  }
  uint32(): number {
    this.align(4);
    this.need(4);
    const value = this.little ? this.data.readUInt32LE(this.at) : this.data.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }
  private text(length: number, encoding: "utf8" | "latin1"): string {
    this.need(length + 1);
    const text = this.data.toString(encoding, this.at, this.at + length);
    if (this.data[this.at + length] !== 0) throw new DbusFormatError("D-Bus string is not NUL-terminated");
    this.at += length + 1;
    return text;
  }
  values(signature: string): DbusValue[] {
    const values: DbusValue[] = [];
    for (const type of splitSignature(signature)) values.push(this.value(type));
    return values;
  }
  value(type: string): DbusValue {
    const code = type[0] ?? "";
    switch (code) {
      case "y":
        return this.byte();
      case "b":
        return this.uint32() !== 0;
      case "i": {
        const value = this.uint32();
        return value | 0;
      }
      case "u":
        return this.uint32();
      case "s":
      case "o": {
        // Inline: strings are most of what is read (why calls are counted: docs/startup.md).
        const start = Math.ceil(this.at / 4) * 4;
        if (start + 4 > this.end) throw new DbusFormatError("D-Bus message is truncated");
        const length = this.little ? this.data.readUInt32LE(start) : this.data.readUInt32BE(start);
        const stop = start + 4 + length;
        if (stop + 1 > this.end) throw new DbusFormatError("D-Bus message is truncated");
        if (this.data[stop] !== 0) throw new DbusFormatError("D-Bus string is not NUL-terminated");
        this.at = stop + 1;
        return this.data.toString("utf8", start + 4, stop);
      }
      case "g":
        return this.text(this.byte(), "latin1");
      case "v": {
        const signature = this.text(this.byte(), "latin1");
        if (splitSignature(signature).length !== 1)
          throw new DbusFormatError("D-Bus variant does not hold exactly one type");
        return variant(
          signature,
          this.nested(() => this.value(signature)),
        );
      }
      case "a":
        return this.nested(() => this.array(type.slice(1)));
      case "(":
      case "{":
        this.align(8);
        return this.nested(() => this.values(type.slice(1, -1)));
      default:
        throw new DbusFormatError(`D-Bus type ${JSON.stringify(code)} is not supported here`);
    }
  }
  private nested<T>(read: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw new DbusFormatError("D-Bus value nested too deep");
    try {
      return read();
    } finally {
      this.depth -= 1;
    }
  }
  private array(element: string): DbusValue {
    const length = this.uint32();
    if (length > MAX_ARRAY_BYTES) throw new DbusFormatError("D-Bus array is longer than allowed");
    this.align(ALIGN[element[0] ?? ""] ?? 1);
    this.need(length);
    const stop = this.at + length;
    if (element === "y") {
      const bytes = new Uint8Array(this.data.subarray(this.at, stop));
      this.at = stop;
      return bytes;
    }
    const items: DbusValue[] = [];
    while (this.at < stop) items.push(this.value(element));
    if (this.at !== stop) throw new DbusFormatError("D-Bus array elements overrun its length");
    return items;
  }
}
