/**
 * node:fs as the Linux binaries see it (scripts/build-bin.mjs puts this module in its place): the
 * synchronous calls a cache hit makes go straight to libc (src/io/libc/libc.ts); every other call, and
 * every call shaped otherwise than a hit makes it, is bun's own node:fs, loaded on first use.
 *
 * Why: loading bun's node:fs costs a binary hit a few ms, and its start-up calls one function often
 * enough that JavaScriptCore compiles it, which costs several more (docs/startup.md, "node:fs on
 * the Linux binaries").
 *
 * What callers can see stays node:fs's: the same values, Stats with the same fields and questions,
 * errors with the same `code`, `errno`, `syscall`, `path` and message, descriptors opened
 * close-on-exec. Where libc cannot be bound, every call is bun's node:fs.
 */
import { systemCallError } from "../libc/errno.js";
import { libc, type Libc } from "../libc/libc.js";
import { FileStats, STATX_FIELDS, STATX_SIZE } from "./statx.js";

type NodeFs = typeof import("node:fs");

let bunFs: NodeFs | undefined;
/** bun's node:fs, for everything this module leaves to it. */
function nodeFs(): NodeFs {
  return (bunFs ??= process.getBuiltinModule("node:fs"));
}

/** An attempt's answer when the call is not one this module makes: bun's node:fs takes it. */
const PASS = Symbol("pass");
type Attempt = (c: Libc, args: readonly unknown[]) => unknown;

/** A call left to bun's node:fs, as it came (without binding libc for it). */
function later<Name extends keyof NodeFs>(name: Name): NodeFs[Name] {
  return ((...args: unknown[]) => (nodeFs()[name] as (...a: unknown[]) => unknown)(...args)) as NodeFs[Name];
}

/** `name` through libc where `attempt` takes the call, else through bun's node:fs as it came. */
function viaLibc<Name extends keyof NodeFs>(name: Name, attempt: Attempt): NodeFs[Name] {
  const passOn = later(name) as (...a: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    const c = libc();
    const answer = c === undefined ? PASS : attempt(c, args);
    return answer === PASS ? passOn(...args) : answer;
  }) as NodeFs[Name];
}

const O_RDONLY = 0;
/** Linux's open(2) flags: x86-64 and arm64 differ in O_DIRECTORY and O_NOFOLLOW. */
const ARM64 = process.arch === "arm64";
const OPEN_FLAGS: Readonly<Record<string, number>> = {
  O_RDONLY,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_DSYNC: 0o10000,
  O_DIRECTORY: ARM64 ? 0o40000 : 0o200000,
  O_NOFOLLOW: ARM64 ? 0o100000 : 0o400000,
  O_SYNC: 0o4010000,
};
/** libuv opens every file close-on-exec: a plugin must not inherit the cache's descriptors. */
const O_CLOEXEC = 0o2000000;

/**
 * The open flags without loading node:fs; any other constant is node:fs's own. The flags are own
 * properties, so a hit's reads of them never reach a proxy: a proxy's trap, run at module load for
 * each flag the cache-file code reads, cost every hit about 0.3 MiB of peak memory (docs/startup.md).
 * Only a name that is not a flag falls through to the prototype, which asks node:fs.
 */
export const constants = Object.setPrototypeOf(
  { ...OPEN_FLAGS },
  new Proxy(
    {},
    { get: (_, name) => (nodeFs().constants as unknown as Record<string | symbol, unknown>)[name] },
  ),
) as NodeFs["constants"];

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;
/** PATH_MAX: a longer link target is left to node:fs. */
const LINK_MAX = 4096;
const NO_PATH = new Uint8Array(1);

/** A path as libc takes it, or undefined for anything else (node:fs then says what is wrong). */
function cPath(path: unknown): Uint8Array | undefined {
  return typeof path === "string" && path !== "" && !path.includes("\0")
    ? Buffer.from(`${path}\0`, "utf8")
    : undefined;
}

const isFd = (fd: unknown): fd is number => typeof fd === "number" && Number.isInteger(fd) && fd >= 0;

function statx(c: Libc, dirfd: number, path: Uint8Array, flags: number): FileStats | number {
  const buffer = new Uint8Array(STATX_SIZE);
  return c.statx(dirfd, path, flags, STATX_FIELDS, buffer) === 0 ? new FileStats(buffer) : c.errno();
}

/** ENOENT: what `{ throwIfNoEntry: false }` answers with undefined. */
const NO_ENTRY = 2;

function pathStat(syscall: "lstat" | "stat", flags: number): Attempt {
  return (c, [path, options]) => {
    const cpath = cPath(path);
    const quiet = quietWhenMissing(options);
    if (cpath === undefined || quiet === undefined) return PASS;
    const stats = statx(c, AT_FDCWD, cpath, flags);
    if (typeof stats !== "number") return stats;
    if (stats === NO_ENTRY && quiet) return undefined;
    throw systemCallError(stats, syscall, path as string);
  };
}

/**
 * Whether a missing path is undefined rather than an error: no options, false; node:fs's
 * `{ throwIfNoEntry: false }`, true (a cache location check asks so: an error object, built only to be
 * caught, cost a keyring hit its stack trace); any other shape, undefined, and bun's node:fs takes it.
 */
function quietWhenMissing(options: unknown): boolean | undefined {
  if (options === undefined) return false;
  if (typeof options !== "object" || options === null) return undefined;
  const { throwIfNoEntry, bigint } = options as {
    readonly throwIfNoEntry?: unknown;
    readonly bigint?: unknown;
  };
  return bigint === undefined && throwIfNoEntry === false ? true : undefined;
}

export const lstatSync = viaLibc("lstatSync", pathStat("lstat", AT_SYMLINK_NOFOLLOW));
export const statSync = viaLibc("statSync", pathStat("stat", 0));

export const fstatSync = viaLibc("fstatSync", (c, [fd, options]) => {
  if (!isFd(fd) || options !== undefined) return PASS;
  const stats = statx(c, fd, NO_PATH, AT_EMPTY_PATH);
  if (typeof stats === "number") throw systemCallError(stats, "fstat");
  return stats;
});

export const openSync = viaLibc("openSync", (c, [path, flags = "r", mode]) => {
  const cpath = cPath(path);
  const how = flags === "r" ? O_RDONLY : flags;
  if (cpath === undefined || typeof how !== "number" || !Number.isInteger(how)) return PASS;
  if (mode !== undefined && (typeof mode !== "number" || !Number.isInteger(mode))) return PASS;
  const fd = c.open(cpath, how | O_CLOEXEC, mode ?? 0o666);
  if (fd < 0) throw systemCallError(c.errno(), "open", path as string);
  return fd;
});

export const closeSync = viaLibc("closeSync", (c, [fd]) => {
  if (!isFd(fd)) return PASS;
  if (c.close(fd) !== 0) throw systemCallError(c.errno(), "close");
  return undefined;
});

/** offset and length within the buffer, as whole numbers; anything else is node:fs's to refuse. */
function span(buffer: Uint8Array, offset: unknown, length: unknown): boolean {
  return (
    typeof offset === "number" &&
    typeof length === "number" &&
    Number.isInteger(offset) &&
    Number.isInteger(length) &&
    offset >= 0 &&
    length >= 0 &&
    offset + length <= buffer.byteLength
  );
}

export const readSync = viaLibc("readSync", (c, [fd, buffer, offset, length, position]) => {
  if (!isFd(fd) || !(buffer instanceof Uint8Array) || !span(buffer, offset, length)) return PASS;
  const into = buffer.subarray(offset as number, (offset as number) + (length as number));
  let got: number;
  if (position === null || position === undefined || position === -1) got = c.read(fd, into, into.length);
  else if (isFd(position)) got = c.pread(fd, into, into.length, position);
  else return PASS;
  if (got < 0) throw systemCallError(c.errno(), "read");
  return got;
});

export const writeSync = viaLibc("writeSync", (c, [fd, data, offset, length, position]) => {
  if (!isFd(fd) || position !== undefined) return PASS;
  let bytes: Uint8Array;
  if (typeof data === "string" && offset === undefined && length === undefined) {
    bytes = Buffer.from(data, "utf8");
  } else if (data instanceof Uint8Array) {
    const from = offset ?? 0;
    const count = length ?? data.byteLength - (typeof from === "number" ? from : 0);
    if (!span(data, from, count)) return PASS;
    bytes = data.subarray(from as number, (from as number) + (count as number));
  } else {
    return PASS;
  }
  const wrote = c.write(fd, bytes, bytes.length);
  if (wrote < 0) throw systemCallError(c.errno(), "write");
  return wrote;
});

const TEXT_ENCODINGS = new Set(["utf8", "utf-8", "latin1"]);

/** Reads to the end: from the start of a path, from the current position of a descriptor. */
function readToEnd(c: Libc, fd: number, sizeHint: number): Buffer {
  const parts: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(Math.max(sizeHint + 1, 8192));
  for (;;) {
    const got = c.read(fd, chunk, chunk.length);
    if (got < 0) throw systemCallError(c.errno(), "read");
    if (got === 0) return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    parts.push(chunk.subarray(0, got));
    if (got === chunk.length) chunk = Buffer.allocUnsafe(chunk.length * 2);
    else chunk = chunk.subarray(got);
  }
}

export const readFileSync = viaLibc("readFileSync", (c, [file, encoding]) => {
  if (typeof encoding !== "string" || !TEXT_ENCODINGS.has(encoding)) return PASS;
  const decode = (bytes: Buffer): string => bytes.toString(encoding === "latin1" ? "latin1" : "utf8");
  if (isFd(file)) return decode(readToEnd(c, file, 0));
  const cpath = cPath(file);
  if (cpath === undefined) return PASS;
  const fd = c.open(cpath, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) throw systemCallError(c.errno(), "open", file as string);
  try {
    // The size is only a hint (files in /proc say 0); a directory fails the read with EISDIR.
    const stats = statx(c, fd, NO_PATH, AT_EMPTY_PATH);
    return decode(readToEnd(c, fd, typeof stats === "number" ? 0 : stats.size));
  } finally {
    c.close(fd);
  }
});

export const readlinkSync = viaLibc("readlinkSync", (c, [path, options]) => {
  const cpath = cPath(path);
  if (cpath === undefined || options !== undefined) return PASS;
  const buffer = Buffer.allocUnsafe(LINK_MAX);
  const got = c.readlink(cpath, buffer, buffer.length);
  if (got < 0) throw systemCallError(c.errno(), "readlink", path as string);
  if (got === buffer.length) return PASS;
  return buffer.toString("utf8", 0, got);
});

export const chmodSync = later("chmodSync");
export const chownSync = later("chownSync");
export const existsSync = later("existsSync");
export const fchmodSync = later("fchmodSync");
export const fdatasyncSync = later("fdatasyncSync");
export const fsyncSync = later("fsyncSync");
export const ftruncateSync = later("ftruncateSync");
export const futimesSync = later("futimesSync");
export const linkSync = later("linkSync");
export const mkdirSync = later("mkdirSync");
export const readdirSync = later("readdirSync");
export const realpathSync = later("realpathSync");
export const renameSync = later("renameSync");
export const statfsSync = later("statfsSync");
export const unlinkSync = later("unlinkSync");
export const writeFileSync = later("writeFileSync");
