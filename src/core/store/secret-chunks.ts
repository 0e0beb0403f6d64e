import { sha256Hex } from "../sha256.js";

/**
 * How one cache entry's JSON becomes secret-store values. Most stores take it whole; Windows
 * Credential Manager caps a secret at 2,560 bytes (1,280 UTF-16 characters), which a client
 * certificate plus key easily exceeds. Then the JSON is deflated, base64-encoded and split:
 *
 *   account <key>     "kcc-chunks/1 deflate-base64 <n> <digest>"   (the head)
 *   account <key>#1…n  the parts, each at most `maxPartChars` characters
 *
 * Writers store the parts first and the head last; the digest (SHA-256 of the joined parts, first
 * 16 hex digits) lets a reader that raced a writer notice a mixed set and treat it as a miss. Cache
 * keys never end in "#<digits>" (they end in a quote, bracket, brace or digest), so part accounts
 * cannot collide with another key.
 */
export interface EncodedSecret {
  readonly head: string;
  readonly parts: readonly string[];
}

/**
 * Raw deflate, given by the caller (src/io/secret-store/compression.ts): only a split entry needs it,
 * and loading node:zlib costs a keyring hit more than reading the entry does (docs/startup.md).
 */
export interface Compression {
  /** The text's UTF-8 bytes, deflated, in base64. */
  readonly deflateToBase64: (text: string) => string;
  /** Undoes deflateToBase64; throws on data that is not raw deflate. */
  readonly inflateFromBase64: (packed: string) => string;
}

export type ParsedHead =
  | { readonly kind: "plain"; readonly json: string }
  | { readonly kind: "chunked"; readonly count: number; readonly digest: string }
  | { readonly kind: "foreign" };

/** Room for the head's fields within the smallest limit (Windows), with a margin. */
export const WINDOWS_MAX_PART_CHARS = 1_200;
const MAX_PARTS = 64;
/**
 * The head's pattern, built on first use: a hit reads an entry of one part, and a regular expression
 * made as the module loads costs it a heap block (docs/startup.md, "The heap's warm-up thread").
 */
let head: RegExp | undefined;

export function partAccount(key: string, index: number): string {
  return `${key}#${index}`;
}

export function encodeSecret(json: string, maxPartChars: number, compression: Compression): EncodedSecret {
  if (json.length <= maxPartChars) return { head: json, parts: [] };
  const packed = compression.deflateToBase64(json);
  const parts: string[] = [];
  for (let at = 0; at < packed.length; at += maxPartChars) parts.push(packed.slice(at, at + maxPartChars));
  if (parts.length > MAX_PARTS)
    throw new RangeError(`credential too large for the secret store (${json.length} characters)`);
  return { head: `kcc-chunks/1 deflate-base64 ${parts.length} ${digest(packed)}`, parts };
}

export function parseHead(value: string): ParsedHead {
  if (value.startsWith("{")) return { kind: "plain", json: value };
  const match = (head ??= /^kcc-chunks\/1 deflate-base64 ([1-9][0-9]?) ([0-9a-f]{16})$/).exec(value);
  if (match === null) return { kind: "foreign" };
  const count = Number(match[1]);
  if (count > MAX_PARTS) return { kind: "foreign" };
  return { kind: "chunked", count, digest: match[2] ?? "" };
}

/** The JSON again, or undefined when the parts do not belong to this head (a torn or foreign set). */
export function joinParts(
  head: { count: number; digest: string },
  parts: readonly (string | undefined)[],
  compression: Compression,
): string | undefined {
  if (parts.length !== head.count || parts.some((part) => part === undefined)) return undefined;
  const packed = parts.join("");
  if (digest(packed) !== head.digest) return undefined;
  try {
    return compression.inflateFromBase64(packed);
  } catch {
    return undefined;
  }
}

function digest(text: string): string {
  return sha256Hex(text).slice(0, 16);
}
