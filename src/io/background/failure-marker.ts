import { closeSync, futimesSync, lstatSync, openSync, unlinkSync } from "../fs.js";
import { NO_FOLLOW_APPEND } from "../cache-file/private-path.js";

/**
 * The marker a failed background refresh leaves beside its key's lock (core/cache/key-files.ts): an
 * empty file whose mtime is when it failed, so that hits pause before starting another
 * (docs/background-refresh.md). In the lock directory, which kcc-cache has checked is the user's own;
 * opened without following links all the same. Failures are swallowed: the marker only spares runs.
 */
export function markBackgroundFailed(path: string, nowMs: number): void {
  try {
    const fd = openSync(path, NO_FOLLOW_APPEND, 0o600);
    try {
      const now = new Date(nowMs);
      futimesSync(fd, now, now);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Nothing to report to: the background refresh has no terminal.
  }
}

/** When the key's last background refresh failed (the marker's mtime), if the marker is there. */
export function backgroundFailedAt(path: string): number | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? stat.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}

/** A background refresh succeeded: the pause is over. */
export function clearBackgroundFailed(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there: nothing failed before.
  }
}
