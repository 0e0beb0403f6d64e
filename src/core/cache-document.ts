import { toCacheEntry, type CacheEntry } from "./cache-entry.js";
import { isRecord } from "./exec-info.js";

/**
 * The cache file's content: `{"kcc":1,"entries":{"<key>":{…}}}`. A file written by the Go original
 * (`{"credentials":…}`) is foreign, not broken: it reads as empty and is replaced on the next write.
 */
export interface CacheDocument {
  readonly entries: ReadonlyMap<string, CacheEntry>;
}

export type DocumentRead =
  | { readonly state: "ok"; readonly document: CacheDocument; readonly skipped: number }
  | { readonly state: "broken"; readonly document: CacheDocument; readonly why: string };

export const EMPTY_DOCUMENT: CacheDocument = { entries: new Map() };

export function parseCacheDocument(text: string): DocumentRead {
  if (text.trim() === "") return { state: "ok", document: EMPTY_DOCUMENT, skipped: 0 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { state: "broken", document: EMPTY_DOCUMENT, why: `not JSON (${(error as Error).message})` };
  }
  if (!isRecord(value)) return { state: "broken", document: EMPTY_DOCUMENT, why: "not a JSON object" };
  const raw = value["entries"];
  if (raw === undefined) return { state: "ok", document: EMPTY_DOCUMENT, skipped: 0 };
  if (!isRecord(raw)) return { state: "broken", document: EMPTY_DOCUMENT, why: '"entries" is not an object' };
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
