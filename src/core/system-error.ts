/**
 * The one place a system error's code (errno) becomes words for the user, with the code kept after
 * them so that it can still be searched for: "no space left on device (ENOSPC)". Pure: it looks only
 * at the `code` an error carries.
 */

/**
 * Built on first use: a hit describes no error, and a table made as the module loads costs every hit
 * heap blocks (docs/startup.md, "The heap's warm-up thread").
 */
let wordsByCode: Readonly<Record<string, string>> | undefined;
const errnoWords = (): Readonly<Record<string, string>> =>
  (wordsByCode ??= {
    EACCES: "permission denied",
    EBUSY: "resource busy",
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    EDQUOT: "disk quota exceeded",
    EEXIST: "already exists",
    EIO: "input/output error",
    EISDIR: "it is a directory",
    ELOOP: "too many levels of symbolic links",
    EMFILE: "too many open files",
    ENAMETOOLONG: "file name too long",
    ENFILE: "too many open files in the system",
    ENOENT: "no such file",
    ENOEXEC: "not a format the system can run",
    ENOSPC: "no space left on device",
    ENOTDIR: "a part of the path is not a directory",
    // As the user meets it: an immutable file, a file system that refuses the change.
    EPERM: "permission denied",
    EROFS: "read-only file system",
    ETIMEDOUT: "timed out",
  });

/** "no space left on device (ENOSPC)"; a code without words here is given as it is. */
export function describeErrno(code: string): string {
  const words = errnoWords()[code];
  return words === undefined ? code : `${words} (${code})`;
}

/** The errno code a Node system error carries (EACCES, ENOSPC…), if it is one. */
export function errnoOf(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}
