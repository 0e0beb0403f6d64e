import { childPath } from "../path-names.js";
import type { CacheEntry } from "./cache-entry.js";
import { keyDigest } from "./cache-key.js";

/**
 * The files kcc-cache keeps per cache key in the lock directory, named by the key's digest (a key is
 * long and may hold any character): the refresh lock (docs/locks.md), the served log that recognises a
 * rejected credential (docs/serve-decision.md), the marker of a failed background refresh, whose
 * mtime is when it failed (docs/background-refresh.md), and the single "last served" marker of
 * earlier versions. `entry`, the key's entry where one was read, brings the digest stored with it: a
 * hit then hashes nothing.
 */
export function keyFiles(
  lockDirectory: string,
  key: string,
  os: NodeJS.Platform,
  entry?: CacheEntry,
): {
  readonly lock: string;
  readonly servedLog: string;
  readonly backgroundFailed: string;
  readonly legacyServedMarker: string;
} {
  const digest = entry?.keyDigest ?? keyDigest(key);
  return {
    lock: childPath(lockDirectory, `${digest}.lock`, os),
    servedLog: childPath(lockDirectory, `${digest}.callers`, os),
    backgroundFailed: childPath(lockDirectory, `${digest}.background-failed`, os),
    legacyServedMarker: childPath(lockDirectory, `${digest}.served`, os),
  };
}
