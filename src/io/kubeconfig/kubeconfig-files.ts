import { isUtf8 } from "node:buffer";
import { type Stats, closeSync, existsSync, fstatSync, lstatSync, readFileSync, unlinkSync } from "../fs.js";
import { delimiter, join, resolve } from "node:path";
import type { Env } from "../../core/config.js";
import { KubeconfigError, errorSummary } from "../../core/errors.js";
import { acquireKubectlLock } from "../locks/kubectl-lock.js";
import { type StagedFile, stageFile } from "./staged-file.js";
import { openStableFile } from "./stable-file.js";

export interface KubeconfigFile {
  /** As the user named it (absolute): messages, the lock and the backup use this path. */
  readonly path: string;
  /**
   * The file itself, symlinks followed: written in place of the old one, so the link stays. Always a
   * regular file reached without passing through /proc (src/io/kubeconfig/stable-file.ts).
   */
  readonly target: string;
  readonly text: string;
  /** The bytes read: the backup is written from them, and a file that no longer holds them was changed. */
  readonly bytes: Buffer;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export const BACKUP_SUFFIX = ".kcc-backup";

/**
 * The files to edit: those named on the command line, else the ones kubectl would use (docs/protocol.md,
 * kubeconfig): $KUBECONFIG's list in order, duplicates dropped, missing files skipped, else
 * ~/.kube/config.
 */
export function resolveKubeconfigPaths(
  named: readonly string[],
  env: Env,
  home: string,
  cwd: string,
): string[] {
  if (named.length > 0) return [...new Set(named.map((path) => resolve(cwd, path)))];
  const list = env["KUBECONFIG"] ?? "";
  if (list === "") return [join(home, ".kube", "config")];
  const paths = [...new Set(list.split(delimiter).filter((path) => path !== ""))].map((path) =>
    resolve(cwd, path),
  );
  const present = paths.filter((path) => existsSync(path));
  if (present.length === 0) throw new KubeconfigError(`none of the files in KUBECONFIG exists: ${list}`);
  return present;
}

export function readKubeconfigFile(path: string): KubeconfigFile {
  return readRegularFile(path, (target, bytes, stat) => {
    // Editing decodes and re-encodes the text; a byte that is not UTF-8 would not survive.
    if (!isUtf8(bytes)) throw new KubeconfigError(`${path}: not UTF-8 text`);
    const text = bytes.toString("utf8");
    return { path, target, text, bytes, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
  });
}

/** Reads the regular file `path` leads to (src/io/kubeconfig/stable-file.ts), or fails in one line saying why not. */
function readRegularFile<T>(path: string, use: (target: string, bytes: Buffer, stat: Stats) => T): T {
  const opened = openStableFile(path);
  if (opened.kind === "refused") throw new KubeconfigError(`cannot read ${path}: ${opened.why}`);
  try {
    return use(opened.target, readFileSync(opened.fd), fstatSync(opened.fd));
  } catch (error) {
    if (error instanceof KubeconfigError) throw error;
    throw new KubeconfigError(`cannot read ${path}: ${errorSummary(error)}`, { cause: error });
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * Whether the path still leads to the file read, holding the bytes read: followed again, since a
 * link may have been changed meanwhile.
 */
function isUnchanged(file: KubeconfigFile): boolean {
  return readRegularFile(file.path, (target, bytes) => target === file.target && bytes.equals(file.bytes));
}

export interface KubeconfigUpdate {
  readonly file: KubeconfigFile;
  readonly text: string;
}

/**
 * Writes every update or none. First everything that can fail is done for every file: all kubectl
 * locks taken, every file checked unchanged since it was read, every backup path checked, and each
 * new content and backup written and synced beside its file. Only then is each file replaced, backup
 * first (one rename each). Should a rename still fail, the files already replaced get their previous
 * content back and their backups are undone, so the files stay as they were. Each file keeps its
 * previous content in `<file>.kcc-backup` and its mode (and owner, when we may set it).
 */
export function writeKubeconfigFiles(updates: readonly KubeconfigUpdate[]): void {
  const releases: (() => void)[] = [];
  const staged: StagedUpdate[] = [];
  try {
    for (const lockPath of new Set(updates.flatMap(({ file }) => [file.path, file.target]))) {
      releases.push(acquireKubectlLock(lockPath));
    }
    for (const { file } of updates) {
      if (!isUnchanged(file)) {
        throw new KubeconfigError(
          `${file.path} changed while kcc-injector was editing it; nothing was written`,
        );
      }
    }
    for (const update of updates) staged.push(stageUpdate(update));
    commitAll(staged);
  } finally {
    for (const { backup, target } of staged) {
      backup.discard();
      target.discard();
    }
    for (const release of releases.reverse()) release();
  }
}

interface StagedUpdate {
  readonly file: KubeconfigFile;
  readonly backup: StagedFile;
  readonly target: StagedFile;
  /** What the backup path held before (undefined: nothing), to put back on a rollback. */
  readonly previousBackup: Buffer | undefined;
}

function stageUpdate({ file, text }: KubeconfigUpdate): StagedUpdate {
  const backupPath = `${file.path}${BACKUP_SUFFIX}`;
  const previousBackup = readPreviousBackup(backupPath);
  const backup = stage(backupPath, file.bytes, file);
  try {
    return { file, backup, target: stage(file.target, text, file), previousBackup };
  } catch (error) {
    backup.discard();
    throw error;
  }
}

function readPreviousBackup(path: string): Buffer | undefined {
  let stat;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new KubeconfigError(`cannot write ${path}: ${errorSummary(error)}; nothing was written`, {
      cause: error,
    });
  }
  // A rename cannot replace a directory (or would replace a link rather than a file): find out now,
  // before any file is written, rather than half-way.
  if (!stat.isFile()) {
    const what = stat.isDirectory() ? "it is a directory" : "it is not a regular file";
    throw new KubeconfigError(`cannot write ${path}: ${what}; nothing was written`);
  }
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KubeconfigError(`cannot read ${path}: ${errorSummary(error)}; nothing was written`, {
      cause: error,
    });
  }
}

function stage(path: string, text: string | Uint8Array, like: KubeconfigFile): StagedFile {
  try {
    return stageFile(path, text, like.mode, ownerFor(like));
  } catch (error) {
    throw new KubeconfigError(`cannot write ${path}: ${errorSummary(error)}; nothing was written`, {
      cause: error,
    });
  }
}

function commitAll(staged: readonly StagedUpdate[]): void {
  const done: { update: StagedUpdate; target: boolean }[] = [];
  for (const update of staged) {
    let failed: StagedFile = update.backup;
    try {
      update.backup.commit();
      done.push({ update, target: false });
      failed = update.target;
      update.target.commit();
      done[done.length - 1] = { update, target: true };
    } catch (error) {
      const notRestored = rollBack(done);
      const outcome =
        notRestored.length === 0
          ? "nothing was changed"
          : `could not put back ${notRestored.join(", ")}: the previous content is in the .kcc-backup beside each`;
      throw new KubeconfigError(`cannot write ${failed.path}: ${errorSummary(error)}; ${outcome}`, {
        cause: error,
      });
    }
  }
}

/** Undoes committed renames, latest first; returns the paths it could not put back. */
function rollBack(done: readonly { update: StagedUpdate; target: boolean }[]): string[] {
  const failed: string[] = [];
  for (const { update, target } of [...done].reverse()) {
    const { file, previousBackup } = update;
    const backupPath = `${file.path}${BACKUP_SUFFIX}`;
    if (target) {
      try {
        writeNow(file.target, file.bytes, file);
      } catch {
        failed.push(file.path);
        // Its backup holds the previous content: leave it for the user.
        continue;
      }
    }
    try {
      if (previousBackup === undefined) unlinkSync(backupPath);
      else writeNow(backupPath, previousBackup, file);
    } catch {
      // The file itself is back as it was; a stale backup is only a leftover.
    }
  }
  return failed;
}

function writeNow(path: string, data: string | Uint8Array, like: KubeconfigFile): void {
  const staged = stageFile(path, data, like.mode, ownerFor(like));
  try {
    staged.commit();
  } finally {
    staged.discard();
  }
}

/** A new file belongs to whoever wrote it; root editing a user's kubeconfig must give it back. */
function ownerFor(like: KubeconfigFile): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 && (like.uid !== 0 || like.gid !== 0)
    ? { uid: like.uid, gid: like.gid }
    : undefined;
}
