/**
 * Linux errno numbers as node:fs names them. x86-64 and arm64 share the generic numbering, the only
 * two architectures the libc binding serves (docs/startup.md, "node:fs on the Linux binaries").
 * The words are libuv's, so that a message reads as node:fs would have written it. Built on first use:
 * a hit meets no error, and a table made as the module loads costs every hit heap blocks
 * (docs/startup.md, "The heap's warm-up thread").
 */
let byNumber: Readonly<Record<number, readonly [code: string, words: string]>> | undefined;
const errnoNames = (): Readonly<Record<number, readonly [code: string, words: string]>> =>
  (byNumber ??= {
    1: ["EPERM", "operation not permitted"],
    2: ["ENOENT", "no such file or directory"],
    4: ["EINTR", "interrupted system call"],
    5: ["EIO", "i/o error"],
    9: ["EBADF", "bad file descriptor"],
    11: ["EAGAIN", "resource temporarily unavailable"],
    12: ["ENOMEM", "not enough memory"],
    13: ["EACCES", "permission denied"],
    16: ["EBUSY", "resource busy or locked"],
    17: ["EEXIST", "file already exists"],
    20: ["ENOTDIR", "not a directory"],
    21: ["EISDIR", "illegal operation on a directory"],
    22: ["EINVAL", "invalid argument"],
    23: ["ENFILE", "file table overflow"],
    24: ["EMFILE", "too many open files"],
    26: ["ETXTBSY", "text file is busy"],
    27: ["EFBIG", "file too large"],
    28: ["ENOSPC", "no space left on device"],
    30: ["EROFS", "read-only file system"],
    31: ["EMLINK", "too many links"],
    32: ["EPIPE", "broken pipe"],
    36: ["ENAMETOOLONG", "name too long"],
    38: ["ENOSYS", "function not implemented"],
    40: ["ELOOP", "too many symbolic links encountered"],
    75: ["EOVERFLOW", "value too large for defined data type"],
    88: ["ENOTSOCK", "socket operation on non-socket"],
    91: ["EPROTOTYPE", "protocol wrong type for socket"],
    95: ["ENOTSUP", "operation not supported on socket"],
    104: ["ECONNRESET", "connection reset by peer"],
    111: ["ECONNREFUSED", "connection refused"],
    122: ["EDQUOT", "disk quota exceeded"],
  });

/** Why a call failed, shaped as node:fs shapes it: `code`, negative `errno`, `syscall`, `path`. */
export interface SystemCallError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly path?: string;
}

export function systemCallError(errno: number, syscall: string, path?: string): SystemCallError {
  const [code, words] = errnoNames()[errno] ?? [`E${String(errno)}`, "unknown error"];
  const where = path === undefined ? syscall : `${syscall} '${path}'`;
  return Object.assign(new Error(`${code}: ${words}, ${where}`), {
    code,
    errno: -errno,
    syscall,
    ...(path === undefined ? {} : { path }),
  });
}
