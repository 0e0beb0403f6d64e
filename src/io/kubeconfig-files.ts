import { chownSync, existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import type { Env } from "../core/config.js";
import { KubeconfigError } from "../core/errors.js";
import { writeFileAtomic } from "./atomic-file.js";
import { acquireKubectlLock } from "./kubectl-lock.js";

export interface KubeconfigFile {
  /** As the user named it (absolute): messages, the lock and the backup use this path. */
  readonly path: string;
  /** The file itself, symlinks followed: written in place of the old one, so the link stays. */
  readonly target: string;
  readonly text: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export const BACKUP_SUFFIX = ".kcc-backup";

/**
 * The files to edit: those named on the command line, else the ones kubectl would use (PROTOCOL.md,
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
  try {
    const target = realpathSync(path);
    const stat = statSync(target);
    if (stat.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    const bytes = readFileSync(target);
    const text = bytes.toString("utf8");
    // Editing decodes and re-encodes the text; a byte that is not UTF-8 would not survive.
    if (!Buffer.from(text, "utf8").equals(bytes)) throw new KubeconfigError(`${path}: not UTF-8 text`);
    return { path, target, text, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid };
  } catch (error) {
    if (error instanceof KubeconfigError) throw error;
    throw new KubeconfigError(`cannot read ${path}: ${describe(error)}`, { cause: error });
  }
}

export interface KubeconfigUpdate {
  readonly file: KubeconfigFile;
  readonly text: string;
}

/**
 * Writes every update or, as far as a file system allows, none: all kubectl locks are taken and every
 * file is checked to be unchanged since it was read before the first write. Each file keeps its
 * previous content in `<file>.kcc-backup` and its mode (and owner, when we may set it).
 */
export function writeKubeconfigFiles(updates: readonly KubeconfigUpdate[]): void {
  const releases: (() => void)[] = [];
  try {
    for (const lockPath of new Set(updates.flatMap(({ file }) => [file.path, file.target]))) {
      releases.push(acquireKubectlLock(lockPath));
    }
    for (const { file } of updates) {
      if (readKubeconfigFile(file.path).text !== file.text) {
        throw new KubeconfigError(
          `${file.path} changed while kcc-injector was editing it; nothing was written`,
        );
      }
    }
    for (const { file, text } of updates) {
      writeKept(`${file.path}${BACKUP_SUFFIX}`, file.text, file);
      writeKept(file.target, text, file);
    }
  } finally {
    for (const release of releases.reverse()) release();
  }
}

function writeKept(path: string, text: string, like: KubeconfigFile): void {
  try {
    writeFileAtomic(path, text, like.mode);
  } catch (error) {
    throw new KubeconfigError(`cannot write ${path}: ${describe(error)}`, { cause: error });
  }
  // A new file belongs to whoever wrote it; root editing a user's kubeconfig must give it back.
  if (process.getuid?.() === 0 && (like.uid !== 0 || like.gid !== 0)) {
    try {
      chownSync(path, like.uid, like.gid);
    } catch {
      // Best effort: the content and mode are right, which is what kubectl needs.
    }
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}
