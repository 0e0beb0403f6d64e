/**
 * The libc functions the node:fs stand-in calls, bound through bun:ffi on first use. Undefined when
 * they cannot be bound (no libc.so.6, a libc without statx, bun without its C compiler): the
 * stand-in then passes every call to bun's node:fs.
 */
import { dlopen, FFIType, read } from "bun:ffi";

/** Each returns what libc returns: -1 (or a negative count) on failure, with errno() saying why. */
export interface Libc {
  open(path: Uint8Array, flags: number, mode: number): number;
  close(fd: number): number;
  read(fd: number, buffer: Uint8Array, length: number): number;
  pread(fd: number, buffer: Uint8Array, length: number, position: number): number;
  write(fd: number, buffer: Uint8Array, length: number): number;
  readlink(path: Uint8Array, buffer: Uint8Array, length: number): number;
  statx(dirfd: number, path: Uint8Array, flags: number, mask: number, buffer: Uint8Array): number;
  errno(): number;
}

const SIGNATURES = {
  open: { args: [FFIType.ptr, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64_fast },
  pread: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i64], returns: FFIType.i64_fast },
  write: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64_fast },
  readlink: { args: [FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.i64_fast },
  statx: { args: [FFIType.i32, FFIType.ptr, FFIType.i32, FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const;

let bound: Libc | null | undefined;

export function libc(): Libc | undefined {
  if (bound === undefined) bound = bind();
  return bound ?? undefined;
}

function bind(): Libc | null {
  if (process.platform !== "linux" || (process.arch !== "x64" && process.arch !== "arm64")) return null;
  try {
    const { symbols } = dlopen("libc.so.6", SIGNATURES);
    // errno is per thread; this is the calling thread's, read right after the call that set it.
    const errnoAt = (symbols["__errno_location"] as () => number | null)();
    if (errnoAt === null) return null;
    const functions = symbols as unknown as Omit<Libc, "errno">;
    return {
      open: functions.open,
      close: functions.close,
      read: functions.read,
      pread: functions.pread,
      write: functions.write,
      readlink: functions.readlink,
      statx: functions.statx,
      errno: () => read.i32(errnoAt, 0),
    };
  } catch {
    return null;
  }
}
