import {
  closeSync,
  chownSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "../fs.js";
import { basename, dirname, join } from "node:path";
import { syncDirectory } from "../cache-file/atomic-file.js";

/** A file's new content, written and synced beside it, that replaces it only on commit. */
export interface StagedFile {
  readonly path: string;
  /** Renames the staged copy over `path`: readers see the old file or the whole new one. */
  commit(): void;
  /** Removes the staged copy if it was not committed. */
  discard(): void;
}

/**
 * The first half of an atomic write, for edits of several files that must all happen or none:
 * everything that can fail for want of space or permission (creating, writing, syncing the copy,
 * giving it its owner) happens here, before any file is replaced. The copy is named like the ones
 * writeFileAtomic makes, so a copy left by a killed process is found and counted the same way.
 */
export function stageFile(
  path: string,
  data: string | Uint8Array,
  mode: number,
  owner?: { readonly uid: number; readonly gid: number },
): StagedFile {
  // O_EXCL guards uniqueness; the random part only avoids retries.
  const unique = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
  const temp = join(dirname(path), `.${basename(path)}.${unique}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  let pending = true;
  const discard = (): void => {
    if (!pending) return;
    pending = false;
    try {
      unlinkSync(temp);
    } catch {
      // Gone already: nothing to clean up.
    }
  };
  try {
    try {
      fchmodSync(fd, mode);
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (owner !== undefined) {
      try {
        chownSync(temp, owner.uid, owner.gid);
      } catch {
        // Best effort: the content and mode are right, which is what kubectl needs.
      }
    }
  } catch (error) {
    discard();
    throw error;
  }
  return {
    path,
    commit: () => {
      renameSync(temp, path);
      pending = false;
      syncDirectory(dirname(path));
    },
    discard,
  };
}
