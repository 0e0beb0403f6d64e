import { join } from "node:path";
import { keyDigest } from "./cache-key.js";

/**
 * The files kcc-cache keeps per cache key in the lock directory, named by the key's digest (a key is
 * long and may hold any character): the refresh lock (docs/locks.md), the served log that recognises a
 * rejected credential (docs/serve-decision.md), the marker of a failed background refresh, whose
 * mtime is when it failed (docs/background-refresh.md), and the single "last served" marker of
 * earlier versions.
 */
export function keyFiles(
  lockDirectory: string,
  key: string,
): {
  readonly lock: string;
  readonly servedLog: string;
  readonly backgroundFailed: string;
  readonly legacyServedMarker: string;
} {
  const digest = keyDigest(key);
  return {
    lock: join(lockDirectory, `${digest}.lock`),
    servedLog: join(lockDirectory, `${digest}.callers`),
    backgroundFailed: join(lockDirectory, `${digest}.background-failed`),
    legacyServedMarker: join(lockDirectory, `${digest}.served`),
  };
}
