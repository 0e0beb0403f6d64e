import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
  constants,
} from "../fs.js";
import { baseName, childPath, parentPath } from "../../core/path-names.js";

const OS = process.platform;

/**
 * Replaces `path` so that a reader sees either the old file or the whole new one, never a part:
 * write a temporary file in the same directory (rename is atomic only within a file system),
 * fsync it, rename it over the target. The temporary file is created with `mode` from the start,
 * so a secret is never readable by others, even for a moment, whatever the umask.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number): void {
  // O_EXCL guards uniqueness; the random part only avoids retries. (node:crypto would cost start-up time.)
  const unique = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  const temp = childPath(parentPath(path, OS), `.${baseName(path, OS)}.${unique}.tmp`, OS);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    try {
      // The umask may have removed bits from `mode`; an odd umask must not leave us unable to read it.
      fchmodSync(fd, mode);
      writeAll(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never created: nothing to clean up.
    }
    throw error;
  }
  syncDirectory(parentPath(path, OS));
}

/** Writes all of `data` (writeSync may write less than asked). */
export function writeAll(fd: number, data: Uint8Array | string): void {
  if (typeof data === "string") data = Buffer.from(data);
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Makes a rename in `directory` durable. Not possible on Windows, and not worth failing for. */
export function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, constants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Best effort.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Temporary files writeFileAtomic left behind for `path` (a writer killed between create and rename).
 * They hold a whole copy of what was being written, tokens included, so they are counted by --status
 * and removed by the next writer, which holds the lock that every writer of `path` takes.
 */
export function leftoverTempFiles(path: string): string[] {
  const prefix = `.${baseName(path, OS)}.`;
  try {
    return readdirSync(parentPath(path, OS))
      .filter((name) => name.startsWith(prefix) && name.endsWith(".tmp"))
      .map((name) => childPath(parentPath(path, OS), name, OS));
  } catch {
    return [];
  }
}

/** Call only while holding the lock all writers of `path` take: then no temp file is in use. */
export function removeLeftoverTempFiles(path: string): number {
  let removed = 0;
  for (const temp of leftoverTempFiles(path)) {
    try {
      unlinkSync(temp);
      removed += 1;
    } catch {
      // Gone already, or not ours to remove: --status keeps counting it.
    }
  }
  return removed;
}
