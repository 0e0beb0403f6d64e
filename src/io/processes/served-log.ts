import type { CacheEntry } from "../../core/cache/cache-entry.js";
import { keyFiles } from "../../core/cache/key-files.js";
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  readlinkSync,
  unlinkSync,
  writeSync,
} from "../fs.js";
import { wholeLines, type CallerIdentity } from "../../core/cache/caller-identity.js";
import { processStartTime } from "./process-identity.js";
import { NO_FOLLOW_APPEND, NO_FOLLOW_READ } from "../cache-file/private-path.js";

/**
 * Past this the log starts again: ~2,000 callers of one credential (one kubectl call every ~0.4 s for
 * an EKS token's life). A caller whose line went with it is served a rejected credential once more.
 */
const SERVED_LOG_LIMIT = 256 * 1024;

/**
 * What a hit reads of the log: its end, about 350 lines. A caller's retry after a 401 follows its first
 * request within moments, so its line is among the last; reading a full log cost a hit about 3 ms
 * (docs/startup.md). A caller with more lines than this written after its own (as many other calls
 * for the same key in between) is served the rejected credential once more, as after a restart.
 */
const SERVED_LOG_TAIL = 32 * 1024;

/**
 * Who runs under a PID, where the OS tells cheaply: Linux's /proc. Elsewhere undefined, and
 * rejected-credential detection is off. The real Runtime's process table.
 */
export function identifyProcess(pid: number): CallerIdentity | undefined {
  const start = processStartTime(pid);
  if (start === undefined) return undefined;
  try {
    return { pid, start, exe: readlinkSync(`/proc/${pid}/exe`) };
  } catch {
    return undefined;
  }
}

/**
 * The end of a key's served log (src/core/cache/caller-identity.ts), whole lines only, or undefined.
 * Holds no secret: PIDs, start times, paths.
 */
export function readServedLog(path: string): string | undefined {
  let fd: number | undefined;
  try {
    // A link or a FIFO in the log's place is never followed or waited on.
    fd = openSync(path, NO_FOLLOW_READ);
    const { size } = fstatSync(fd);
    const length = Math.min(size, SERVED_LOG_TAIL);
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const got = readSync(fd, buffer, read, length - read, size - length + read);
      if (got === 0) break;
      read += got;
    }
    return wholeLines(buffer.toString("utf8", 0, read), length === size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Appended on every hit, without a lock or an fsync (either would cost the hit milliseconds): one
 * small O_APPEND write per caller, so parallel callers never overwrite each other's line. Never
 * through a link: a planted one would make the user write to a file of their own.
 */
export function recordServed(path: string, line: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, NO_FOLLOW_APPEND, 0o600);
    if (fstatSync(fd).size > SERVED_LOG_LIMIT) ftruncateSync(fd, 0);
    writeSync(fd, line);
  } catch {
    // Only an aid to recognise a rejected credential; the credential is served regardless.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Before a new entry is stored: lines about the entries it replaces can never match again. Also
 * removes the single-caller marker earlier versions kept. `entry`, the one about to be stored, brings
 * its key's digest, so the key is not hashed twice.
 */
export function forgetServed(lockDirectory: string, key: string, entry: CacheEntry): void {
  const files = keyFiles(lockDirectory, key, process.platform, entry);
  for (const path of [files.servedLog, files.legacyServedMarker]) {
    try {
      unlinkSync(path);
    } catch {
      // Missing already: stale lines only cost a little reading.
    }
  }
}
