import { closeSync, fchmodSync, fstatSync, openSync, readFileSync, renameSync, writeSync } from "../fs.js";
import { join } from "node:path";
import { formatBackgroundRecord, type BackgroundRecord } from "../../core/cache/background-refresh.js";
import { NO_FOLLOW_APPEND, NO_FOLLOW_READ } from "../cache-file/private-path.js";

/** Past this size the log is rotated to `<log>.1` (one old generation): at most ~64 KiB on disk. */
const BACKGROUND_LOG_MAX_BYTES = 32 * 1024;

/** The log beside the cache file: the cache directory, which kcc-cache has checked is the user's own. */
export function backgroundLogPath(cacheDirectory: string): string {
  return join(cacheDirectory, "background-refresh.log");
}

/**
 * Appends one record (one short line, written with O_APPEND so that concurrent writers for different
 * keys do not interleave). Never follows a link and never writes into something that is not a regular
 * file of this user; the file is 0600 whatever the umask. Failures are swallowed: the log only explains.
 */
export function appendBackgroundRecord(
  path: string,
  record: BackgroundRecord,
  uid: number | undefined,
): void {
  try {
    rotateIfLarge(path);
    const fd = openSync(path, NO_FOLLOW_APPEND, 0o600);
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile() || (uid !== undefined && stat.uid !== uid)) return;
      if ((stat.mode & 0o777) !== 0o600) fchmodSync(fd, 0o600);
      const data = Buffer.from(formatBackgroundRecord(record));
      writeSync(fd, data, 0, data.length);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Nothing to report to: the background refresh has no terminal.
  }
}

/** The log's text, older generation first; empty when there is none. */
export function readBackgroundLog(path: string): string {
  return `${readQuietly(`${path}.1`)}${readQuietly(path)}`;
}

function rotateIfLarge(path: string): void {
  let size: number;
  const fd = openQuietly(path);
  if (fd === undefined) return;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return;
    size = stat.size;
  } finally {
    closeSync(fd);
  }
  // Two writers may both rotate; the loser's rename moves a nearly empty file. Bounded either way.
  if (size > BACKGROUND_LOG_MAX_BYTES) renameSync(path, `${path}.1`);
}

function openQuietly(path: string): number | undefined {
  try {
    return openSync(path, NO_FOLLOW_READ);
  } catch {
    return undefined;
  }
}

function readQuietly(path: string): string {
  const fd = openQuietly(path);
  if (fd === undefined) return "";
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, "utf8") : "";
  } catch {
    return "";
  } finally {
    closeSync(fd);
  }
}
