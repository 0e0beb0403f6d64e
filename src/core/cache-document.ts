import { toCacheEntry, type CacheEntry } from "./cache-entry.js";
import { isRecord } from "./exec-info.js";

/**
 * The cache file's content: `{"kcc":1,"entries":{"<key>":{…}}}`. Anything else is either a damaged
 * copy of ours (recognisable by its opening), or foreign: the Go original's `{"credentials":…}`, or some
 * other program's data. Whether a foreign file may be replaced depends on where it is
 * (core/cache-location.ts), so parsing only says what the text is.
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Never quote the text: it may hold a token, or be a file of the user's that is not ours.
    return { state: "broken", document: EMPTY_DOCUMENT, why: "not JSON", ours };
  }
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
    if (existing.expiresAtMs > nowMs) entries.set(existingKey, existing);
  }
  if (entry === undefined) entries.delete(key);
  else entries.set(key, entry);
  return { entries };
}
