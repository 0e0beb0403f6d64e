import { isExpired } from "../cache/freshness.js";
/**
 * Which secret-store entries a write removes on its way out. The secret store has no cheap bulk
 * operation: on Linux every entry touched costs a D-Bus connection (~10 ms), so a cache that had
 * gathered a thousand stale keys once made one miss take seconds. The index therefore records each
 * entry's expiry, so that stale entries are found without reading them, and each write removes at
 * most a fixed number of them (the longest expired first): the rest go on later writes.
 */

/** What the index knows of one entry: how many extra parts it has, and (when recorded) its expiry. */
export interface IndexedEntry {
  readonly parts: number;
  /** Absent for entries recorded before the index kept expiries: they must be read to be judged. */
  readonly expiresAtMs?: number;
}

/** The most entries one write touches to prune: a bounded cost on a miss, whatever has piled up. */
export const PRUNE_LIMIT_PER_WRITE = 10;

export interface PrunePlan {
  /** Expired by the index's own record: removed without being read. */
  readonly remove: readonly string[];
  /** Of unknown expiry: read, then removed when expired, missing or damaged. */
  readonly inspect: readonly string[];
}

export function planPrune(
  index: ReadonlyMap<string, IndexedEntry>,
  written: string,
  nowMs: number,
  limit = PRUNE_LIMIT_PER_WRITE,
): PrunePlan {
  const expired: [string, number][] = [];
  const unknown: string[] = [];
  for (const [key, entry] of index) {
    if (key === written) continue;
    if (entry.expiresAtMs === undefined) unknown.push(key);
    else if (isExpired(entry.expiresAtMs, nowMs)) expired.push([key, entry.expiresAtMs]);
  }
  expired.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const remove = expired.slice(0, limit).map(([key]) => key);
  return { remove, inspect: unknown.sort().slice(0, limit - remove.length) };
}
