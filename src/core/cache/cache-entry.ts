import { isRecord } from "../json.js";
import { isKeyDigest } from "./cache-key.js";
import type { ExpirySource } from "./freshness.js";

/**
 * One cached credential. `credential` is the plugin's stdout exactly as printed, so a hit gives
 * kubectl the same bytes (and the same expirationTimestamp) the plugin gave.
 */
export interface CacheEntry {
  readonly credential: string;
  readonly expiresAtMs: number;
  readonly expirySource: ExpirySource;
  readonly kind: "token" | "certificate";
  readonly storedAtMs: number;
  /**
   * The digest of the key the entry is stored under (keyDigest), which names that key's files in the
   * lock directory. Stored with the entry so that a hit finds its served log without hashing the key:
   * the hash was the largest first use left on a file-store hit (docs/startup.md, "The key's digest,
   * stored with its entry"). Absent in entries of earlier versions, and dropped when it is not a
   * digest, so it can only ever name a file in the lock directory.
   */
  readonly keyDigest?: string;
}

/** A stored value that is not a well-formed entry is treated as absent (a miss), never trusted. */
export function toCacheEntry(value: unknown): CacheEntry | undefined {
  if (!isRecord(value)) return undefined;
  const { credential, expiresAtMs, expirySource, kind, storedAtMs, keyDigest } = value;
  if (typeof credential !== "string" || credential === "") return undefined;
  if (!isTime(expiresAtMs)) return undefined;
  if (expirySource !== "plugin" && expirySource !== "default-ttl") return undefined;
  if (kind !== "token" && kind !== "certificate") return undefined;
  if (!isTime(storedAtMs)) return undefined;
  // Spelled out rather than spread: a hit calls this, and a spread is one more builtin it would run.
  return isKeyDigest(keyDigest)
    ? { credential, expiresAtMs, expirySource, kind, storedAtMs, keyDigest }
    : { credential, expiresAtMs, expirySource, kind, storedAtMs };
}

/** The range of a JavaScript Date: outside it (1e300, Infinity) no date can be shown or compared sanely. */
const MAX_TIME_MS = 8.64e15;

export function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= MAX_TIME_MS;
}
