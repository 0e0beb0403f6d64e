/**
 * The libc functions the Linux binaries call directly (the node:fs stand-in, the D-Bus socket),
 * bound through bun's native FFI on first use. Undefined wherever they cannot be bound: under Node,
 * on another platform, without libc.so.6; callers then take their portable path.
 *
 * Bound with `Bun.FFI.dlopen`, not through the `bun:ffi` module: that module is a JavaScript wrapper
 * around the same native function, and loading it costs a hit about 1 ms and up to 1.2 MiB of peak
 * memory for nothing a caller here needs (docs/startup.md, "The libc binding"). A libc without one of
 * the functions (statx came with glibc 2.28) binds nothing: every caller takes its portable path.
 */
import { bunFfi, type NativeSignatures } from "./bun-ffi.js";

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

/** What the D-Bus client adds, bound only when a secret store is asked. */
export interface LibcSockets {
  socket(domain: number, type: number, protocol: number): number;
  connect(fd: number, address: Uint8Array, length: number): number;
  send(fd: number, buffer: Uint8Array, length: number, flags: number): number;
  /** `fds`: struct pollfd entries (int fd, short events, short revents), 8 bytes each. */
  poll(fds: Uint8Array, count: number, timeoutMs: number): number;
}

const FILES = {
  open: { args: ["ptr", "i32", "u32"], returns: "i32" },
  close: { args: ["i32"], returns: "i32" },
  read: { args: ["i32", "ptr", "u64"], returns: "i64_fast" },
  pread: { args: ["i32", "ptr", "u64", "i64"], returns: "i64_fast" },
  write: { args: ["i32", "ptr", "u64"], returns: "i64_fast" },
  readlink: { args: ["ptr", "ptr", "u64"], returns: "i64_fast" },
  statx: { args: ["i32", "ptr", "i32", "u32", "ptr"], returns: "i32" },
  __errno_location: { args: [], returns: "ptr" },
} as const satisfies NativeSignatures;

const SOCKETS = {
  socket: { args: ["i32", "i32", "i32"], returns: "i32" },
  connect: { args: ["i32", "ptr", "u32"], returns: "i32" },
  send: { args: ["i32", "ptr", "u64", "i32"], returns: "i64_fast" },
  poll: { args: ["ptr", "u64", "i32"], returns: "i32" },
} as const satisfies NativeSignatures;

let files: Libc | null | undefined;
let sockets: LibcSockets | null | undefined;

export function libc(): Libc | undefined {
  if (files === undefined) files = bindFiles();
  return files ?? undefined;
}

/** The socket calls, where libc() is bound too (their errors are read through libc().errno). */
export function libcSockets(): LibcSockets | undefined {
  if (sockets === undefined) sockets = libc() === undefined ? null : (bind(SOCKETS) as LibcSockets | null);
  return sockets ?? undefined;
}

function bindFiles(): Libc | null {
  const ffi = bunFfi();
  const symbols = bind(FILES) as (Omit<Libc, "errno"> & { __errno_location(): number }) | null;
  if (ffi === undefined || symbols === null) return null;
  // errno is per thread; this is the calling thread's, read right after the call that set it.
  const errnoAt = symbols.__errno_location();
  if (errnoAt === 0) return null;
  return {
    open: symbols.open,
    close: symbols.close,
    read: symbols.read,
    pread: symbols.pread,
    write: symbols.write,
    readlink: symbols.readlink,
    statx: symbols.statx,
    errno: () => ffi.read.i32(errnoAt, 0),
  };
}

/** The functions named in `signatures`, or null where libc cannot be bound. */
function bind(signatures: NativeSignatures): Readonly<Record<string, unknown>> | null {
  const ffi = bunFfi();
  if (ffi === undefined || process.platform !== "linux") return null;
  if (process.arch !== "x64" && process.arch !== "arm64") return null;
  try {
    return ffi.dlopen("libc.so.6", signatures).symbols;
  } catch {
    return null;
  }
}
