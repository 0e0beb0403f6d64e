import { isExpired } from "./freshness.js";
import { isTime, toCacheEntry, type CacheEntry } from "./cache-entry.js";
import { isRecord, otherFields, parseJson } from "../json.js";

/**
 * The cache file's content: `{"kcc":1,"entries":{"<key>":{…}}}`. Anything else is either a damaged
 * copy of ours (recognisable by its opening), a newer format of ours (`"kcc"` above 1), or foreign:
 * the Go original's `{"credentials":…}`, or some other program's data. Whether a foreign file may be
 * replaced depends on where it is (core/cache/cache-location.ts), so parsing only says what the text is.
 *
 * What this version does not understand in a file of its format (fields a later version added, to
 * an entry or to the file) is carried through every rewrite unchanged (docs/cache-format.md).
 */
export interface CacheDocument {
  readonly entries: ReadonlyMap<string, CacheEntry>;
  /** The file's own content beyond `entries`, to be written back as it was; absent for a new document. */
  readonly kept?: KeptContent;
}

interface KeptContent {
  /**
   * Each entry as read, by key: for an entry in `entries`, its record with the fields this version
   * does not know; for an entry it cannot read, the whole record (kept while its expiry is ahead).
   */
  readonly records: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Top-level fields other than "kcc" and "entries". */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The format this version reads and writes; a later one that older readers would misread raises it. */
const CACHE_FORMAT = 1;

export type DocumentRead =
  | { readonly state: "ok"; readonly document: CacheDocument; readonly skipped: number }
  /** `ours`: the text opens as kcc-cache writes it, so it is a damaged cache file, not someone else's. */
  | {
      readonly state: "broken";
      readonly document: CacheDocument;
      readonly why: string;
      readonly ours: boolean;
    }
  | { readonly state: "foreign"; readonly document: CacheDocument; readonly what: string }
  /** A later kcc-cache's format: never read, never rewritten (docs/cache-format.md). */
  | { readonly state: "newer"; readonly document: CacheDocument; readonly format: number };

/**
 * Matches how serializeCacheDocument starts (compact or indented): a truncated file of ours still
 * shows it. Built on the first whole-file read, which a hit does not make (docs/startup.md).
 */
let ourOpening: RegExp | undefined;

export const GO_ORIGINAL = "the Go original's cache";

export const EMPTY_DOCUMENT: CacheDocument = { entries: new Map() };

export function parseCacheDocument(text: string): DocumentRead {
  if (text.trim() === "") return { state: "ok", document: EMPTY_DOCUMENT, skipped: 0 };
  const ours = (ourOpening ??= /^\{\s*"kcc"\s*:\s*1\b/).test(text);
  const value = parseJson(text);
  // Never quote the text: it may hold a token, or be a file of the user's that is not ours.
  if (value === undefined) return { state: "broken", document: EMPTY_DOCUMENT, why: "not JSON", ours };
  if (!isRecord(value)) return { state: "broken", document: EMPTY_DOCUMENT, why: "not a JSON object", ours };
  const format = value["kcc"];
  if (typeof format === "number" && Number.isSafeInteger(format) && format > CACHE_FORMAT)
    return { state: "newer", document: EMPTY_DOCUMENT, format };
  if (format !== CACHE_FORMAT) {
    const what = isRecord(value["credentials"]) ? GO_ORIGINAL : "JSON that is not a kcc-cache file";
    return { state: "foreign", document: EMPTY_DOCUMENT, what };
  }
  const raw = value["entries"] ?? {};
  if (!isRecord(raw))
    return { state: "broken", document: EMPTY_DOCUMENT, why: '"entries" is not an object', ours: true };
  // One bad entry never costs the others.
  const entries = new Map<string, CacheEntry>();
  const records = new Map<string, Readonly<Record<string, unknown>>>();
  let skipped = 0;
  for (const [key, candidate] of Object.entries(raw)) {
    const entry = toCacheEntry(candidate);
    if (!isRecord(candidate)) {
      skipped += 1;
    } else if (entry !== undefined) {
      entries.set(key, entry);
      if (Object.keys(otherFields(candidate, ENTRY_FIELDS)).length > 0) records.set(key, candidate);
    } else if (isTime(candidate["expiresAtMs"])) {
      // An entry this version cannot read, which says when it expires: a later version's, kept unread.
      records.set(key, candidate);
    } else {
      skipped += 1; // damage, dropped by the next rewrite
    }
  }
  const fields = otherFields(value, ["kcc", "entries"]);
  return { state: "ok", document: { entries, kept: { records, fields } }, skipped };
}

const ENTRY_FIELDS = ["credential", "expiresAtMs", "expirySource", "kind", "storedAtMs", "keyDigest"];

/** Every key the file holds, read or kept: what --list shows and --clear may remove. */
export function documentKeys(document: CacheDocument): string[] {
  return [...new Set([...document.entries.keys(), ...(document.kept?.records.keys() ?? [])])];
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
  // A loop, not Array.prototype.some: no array builtin on a hit (docs/startup.md, "Builtins a hit compiles").
  let known = false;
  for (const end of SERIALIZED_TAILS)
    known ||= tail.subarray(Math.max(0, tail.length - end.length)).equals(end);
  if (!known) return undefined;
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

/**
 * The file's text: indented by one space per level, which findSerializedEntry relies on. Kept
 * top-level fields follow "entries", so that the file still opens as findSerializedEntry expects.
 */
export function serializeCacheDocument(document: CacheDocument): string {
  const records = document.kept?.records ?? new Map<string, Readonly<Record<string, unknown>>>();
  const entries: Record<string, unknown> = {};
  for (const key of documentKeys(document)) {
    const entry = document.entries.get(key);
    entries[key] = entry === undefined ? records.get(key) : { ...records.get(key), ...entry };
  }
  const text = JSON.stringify({ kcc: CACHE_FORMAT, entries, ...document.kept?.fields }, null, 1);
  return `${text}\n`;
}

/**
 * The document with `key` set to `entry` (removed when undefined). Entries whose expiry has passed,
 * read or kept, are dropped whenever the document is rewritten; a replaced entry loses what was
 * kept of it (those fields described the credential it replaces).
 */
export function withEntry(
  document: CacheDocument,
  key: string,
  entry: CacheEntry | undefined,
  nowMs: number,
): CacheDocument {
  const alive = (expiresAtMs: unknown): boolean => isTime(expiresAtMs) && !isExpired(expiresAtMs, nowMs);
  const entries = new Map([...document.entries].filter(([, existing]) => alive(existing.expiresAtMs)));
  const records = new Map(
    [...(document.kept?.records ?? [])].filter(
      ([existingKey, record]) => alive(record["expiresAtMs"]) && existingKey !== key,
    ),
  );
  entries.delete(key);
  if (entry !== undefined) entries.set(key, entry);
  return { entries, kept: { records, fields: document.kept?.fields ?? {} } };
}

/** The document without the given keys, or without any entry; what else the file holds stays. */
export function withoutEntries(document: CacheDocument, keys: readonly string[] | "all"): CacheDocument {
  const gone = (key: string): boolean => keys === "all" || keys.includes(key);
  return {
    entries: new Map([...document.entries].filter(([key]) => !gone(key))),
    kept: {
      records: new Map([...(document.kept?.records ?? [])].filter(([key]) => !gone(key))),
      fields: document.kept?.fields ?? {},
    },
  };
}
