import { MAX_ARRAY_BYTES, variant, type DbusValue } from "./dbus-marshal.js";

/**
 * A message body of the shapes a keyring hit reads, in one pass: basic values (y b i u s o g), an
 * array of bytes, strings or object paths, a variant holding a basic value, and one level of struct
 * around those. That covers every reply of a hit: "s" (Hello, and the NameAcquired signal), "o"
 * (ReadAlias), "vo" (OpenSession), "aoao" (SearchItems), "v" (Properties.Get) and "(oayays)"
 * (GetSecret). Why: the generic reader (core/store/dbus-marshal.ts) reads each value through a
 * recursive dispatch of a dozen small methods, all run for the first time in every kcc-cache process
 * (docs/startup.md, "Replies read in one pass").
 *
 * Undefined for any other signature, and for bytes it does not read cleanly (short, unterminated,
 * overrunning): the caller then reads the body with the generic reader, which returns the same values
 * or says what is wrong, so that errors have one wording. Alignment counts from the message's first
 * byte (index 0), as the generic reader's does.
 */
export function readPlainBody(
  data: Buffer,
  little: boolean,
  start: number,
  end: number,
  signature: string,
): DbusValue[] | undefined {
  let at = start;
  const uint32At = (offset: number): number =>
    little ? data.readUInt32LE(offset) : data.readUInt32BE(offset);

  /** A basic value at `at`, aligned as its type asks; undefined where it does not fit before `end`. */
  const basic = (code: string): DbusValue | undefined => {
    switch (code) {
      case "y": {
        const value = data[at];
        if (value === undefined || at >= end) return undefined;
        at += 1;
        return value;
      }
      case "b":
      case "i":
      case "u": {
        const from = (at + 3) & ~3;
        if (from + 4 > end) return undefined;
        const value = uint32At(from);
        at = from + 4;
        return code === "u" ? value : code === "i" ? value | 0 : value !== 0;
      }
      case "s":
      case "o": {
        const from = (at + 3) & ~3;
        if (from + 4 > end) return undefined;
        const stop = from + 4 + uint32At(from);
        if (stop + 1 > end || data[stop] !== 0) return undefined;
        at = stop + 1;
        return data.toString("utf8", from + 4, stop);
      }
      case "g": {
        const length = data[at];
        if (length === undefined || at >= end) return undefined;
        const stop = at + 1 + length;
        if (stop + 1 > end || data[stop] !== 0) return undefined;
        const text = data.toString("latin1", at + 1, stop);
        at = stop + 1;
        return text;
      }
      default:
        return undefined;
    }
  };

  /** An array of bytes, strings or object paths. */
  const array = (element: string): DbusValue | undefined => {
    if (element !== "y" && element !== "s" && element !== "o") return undefined;
    const from = (at + 3) & ~3;
    if (from + 4 > end) return undefined;
    const length = uint32At(from);
    // The elements start right after the length: it ends 4-aligned, as strings and bytes need.
    const first = from + 4;
    const stop = first + length;
    if (length > MAX_ARRAY_BYTES || stop > end) return undefined;
    if (element === "y") {
      at = stop;
      return new Uint8Array(data.subarray(first, stop));
    }
    at = first;
    const items: DbusValue[] = [];
    while (at < stop) {
      const item = basic(element);
      if (item === undefined) return undefined;
      items.push(item);
    }
    return at === stop ? items : undefined;
  };

  const values: DbusValue[] = [];
  let struct: DbusValue[] | undefined;
  for (let i = 0; i < signature.length; i += 1) {
    const code = signature[i] ?? "";
    if (code === "(") {
      const from = (at + 7) & ~7;
      if (struct !== undefined || from > end) return undefined;
      at = from;
      struct = [];
      continue;
    }
    if (code === ")") {
      if (struct === undefined || struct.length === 0) return undefined;
      values.push(struct);
      struct = undefined;
      continue;
    }
    let value: DbusValue | undefined;
    if (code === "a") {
      i += 1;
      value = array(signature[i] ?? "");
    } else if (code === "v") {
      const held = basic("g");
      if (typeof held === "string" && held.length === 1) {
        const inner = basic(held);
        if (inner !== undefined) value = variant(held, inner);
      }
    } else {
      value = basic(code);
    }
    if (value === undefined) return undefined;
    (struct ?? values).push(value);
  }
  return struct === undefined ? values : undefined;
}
