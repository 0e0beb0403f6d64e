import { isExpired } from "./freshness.js";
import { toCacheEntry, type CacheEntry } from "./cache-entry.js";
import { isRecord, parseJson } from "../json.js";

/**
 * The cache file's content: `{"kcc":1,"entries":{"<key>":{…}}}`. Anything else is either a damaged
 * copy of ours (recognisable by its opening), or foreign: the Go original's `{"credentials":…}`, or some
 * other program's data. Whether a foreign file may be replaced depends on where it is
 * (core/cache/cache-location.ts), so parsing only says what the text is.
 */
export interface CacheDocument {
  readonly entries: ReadonlyMap<string, CacheEntry>;
}

export type DocumentRead =
  | { readonly state: "ok"; readonly document: CacheDocument; readonly skipped: number }
  /** `ours`: the text opens as kcc-cache writes it, so it is a damaged cache file, not someone else's. */
  | {
      readonly state: "broken";
      readonly document: CacheDocument;
      readonly why: string;
      readonly ours: boolean;
    }
  | { readonly state: "foreign"; readonly document: CacheDocument; readonly what: string };

/** How serializeCacheDocument starts (compact or indented): a truncated file of ours still shows it. */
const OUR_OPENING = /^\{\s*"kcc"\s*:\s*1\b/;

export const GO_ORIGINAL = "the Go original's cache";

export const EMPTY_DOCUMENT: CacheDocument = { entries: new Map() };

export function parseCacheDocument(text: string): DocumentRead {
  if (text.trim() === "") return { state: "ok", document: EMPTY_DOCUMENT, skipped: 0 };
  const ours = OUR_OPENING.test(text);
  const value = parseJson(text);
  // Never quote the text: it may hold a token, or be a file of the user's that is not ours.
  if (value === undefined) return { state: "broken", document: EMPTY_DOCUMENT, why: "not JSON", ours };
  if (!isRecord(value)) return { state: "broken", document: EMPTY_DOCUMENT, why: "not a JSON object", ours };
  if (value["kcc"] !== 1) {
    const what = isRecord(value["credentials"]) ? GO_ORIGINAL : "JSON that is not a kcc-cache file";
    return { state: "foreign", document: EMPTY_DOCUMENT, what };
  }
  const raw = value["entries"] ?? {};
  if (!isRecord(raw))
    return { state: "broken", document: EMPTY_DOCUMENT, why: '"entries" is not an object', ours: true };
  // One bad entry never costs the others.
  const entries = new Map<string, CacheEntry>();
  let skipped = 0;
  for (const [key, candidate] of Object.entries(raw)) {
    const entry = toCacheEntry(candidate);
    if (entry === undefined) skipped += 1;
    else entries.set(key, entry);
  }
  return { state: "ok", document: { entries }, skipped };
}

/** A cache file as a hit reads it: its first and last bytes, then the whole of it in chunks, lazily. */
export interface SerializedFile {
  readonly head: Uint8Array;
  readonly tail: Uint8Array;
  readonly chunks: Iterable<Uint8Array>;
}

/**
 * One entry read straight from a file that serializeCacheDocument wrote, without parsing the others
 * (nor holding the whole file in memory), so that a hit costs about the same with ten thousand
 * unrelated entries as with one. The layout makes this exact: each key of "entries" starts a line
 * indented by two spaces, and its flat object ends at the next line that is two spaces and `}`; JSON
 * strings cannot hold a raw newline, so neither line can occur inside a value. Undefined when the file
 * is not such a file, whole (truncated, foreign, an entry that does not parse): the caller then
 * parses everything and reports what is wrong.
 */
export function findSerializedEntry(
  file: SerializedFile,
  key: string,
): { readonly entry: CacheEntry | undefined } | undefined {
  if (!Buffer.from(file.head).subarray(0, SERIALIZED_HEAD.length).equals(SERIALIZED_HEAD)) return undefined;
  const tail = Buffer.from(file.tail);
  if (!SERIALIZED_TAILS.some((end) => tail.subarray(Math.max(0, tail.length - end.length)).equals(end)))
    return undefined;
  const marker = Buffer.from(`\n  ${JSON.stringify(key)}: {\n`);
  // The last bytes of the previous chunk, where a marker may have begun. Chunks are searched where
  // they lie (no copy of a whole chunk per step: a hit may scan megabytes), the seam between two on
  // its own.
  let carry = Buffer.alloc(0);
  let entry: Buffer | undefined; // from the entry's opening brace on, once the marker was found
  for (const view of file.chunks) {
    const chunk = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    if (entry === undefined) {
      const seam = Buffer.concat([carry, chunk.subarray(0, marker.length - 1)]);
      const inSeam = seam.indexOf(marker);
      const inChunk = inSeam === -1 ? chunk.indexOf(marker) : -1;
      if (inSeam !== -1) {
        entry = Buffer.concat([seam.subarray(inSeam + marker.length - 2), chunk.subarray(marker.length - 1)]);
      } else if (inChunk !== -1) {
        // Copied: the chunk's memory may be reused for the next one.
        entry = Buffer.from(chunk.subarray(inChunk + marker.length - 2));
      } else {
        const tail = chunk.length >= marker.length - 1 ? chunk : Buffer.concat([carry, chunk]);
        carry = Buffer.from(tail.subarray(Math.max(0, tail.length - marker.length + 1)));
        continue;
      }
    } else {
      entry = Buffer.concat([entry, chunk]);
    }
    const end = entry.indexOf(ENTRY_END);
    if (end !== -1) return parseEntry(entry.subarray(0, end + ENTRY_END.length));
  }
  return entry === undefined ? { entry: undefined } : undefined;
}

function parseEntry(bytes: Buffer): { readonly entry: CacheEntry | undefined } | undefined {
  const value = parseJson(bytes.toString("utf8"));
  return value === undefined ? undefined : { entry: toCacheEntry(value) };
}

const SERIALIZED_HEAD = Buffer.from('{\n "kcc": 1,\n "entries": {');
const SERIALIZED_TAILS = [Buffer.from("\n  }\n }\n}\n"), Buffer.from('"entries": {}\n}\n')];
/** Enough of the file's start and end for findSerializedEntry to recognise it. */
export const SERIALIZED_EDGE_BYTES = 32;
const ENTRY_END = Buffer.from("\n  }");

/** The file's text: indented by one space per level, which readSerializedEntry relies on. */
export function serializeCacheDocument(document: CacheDocument): string {
  return `${JSON.stringify({ kcc: 1, entries: Object.fromEntries(document.entries) }, null, 1)}\n`;
}

/** Entries whose expiry has passed are dropped whenever the document is rewritten. */
export function withEntry(
  document: CacheDocument,
  key: string,
  entry: CacheEntry | undefined,
  nowMs: number,
): CacheDocument {
  const entries = new Map<string, CacheEntry>();
  for (const [existingKey, existing] of document.entries) {
    if (!isExpired(existing.expiresAtMs, nowMs)) entries.set(existingKey, existing);
  }
  if (entry === undefined) entries.delete(key);
  else entries.set(key, entry);
  return { entries };
}
