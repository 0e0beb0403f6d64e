/**
 * What `statx(2)` fills in, read as node:fs's Stats. The kernel's `struct statx` has one layout on
 * every architecture (unlike `struct stat`), which is why the libc stand-in asks for it.
 */
export const STATX_SIZE = 256;
/** Every basic field (type, mode, nlink, uid, gid, times, ino, size, blocks) and the birth time. */
export const STATX_FIELDS = 0xfff;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFIFO = 0o010000;
const S_IFSOCK = 0o140000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/**
 * The fields and questions of node:fs's Stats that callers use, each read from the kernel's answer
 * when asked: a hit asks for two or three fields of each of its few stats, and a field decoded on every
 * call would be called often enough for JavaScriptCore to compile it (docs/startup.md). The offsets
 * are those of `struct statx` in <linux/stat.h>, little-endian on both architectures served.
 */
export class FileStats {
  readonly #view: DataView;
  constructor(buffer: Uint8Array) {
    this.#view = new DataView(buffer.buffer, buffer.byteOffset, STATX_SIZE);
  }
  get dev(): number {
    return makedev(this.#view.getUint32(136, true), this.#view.getUint32(140, true));
  }
  get ino(): number {
    return u64(this.#view, 32);
  }
  get mode(): number {
    return this.#view.getUint16(28, true);
  }
  get nlink(): number {
    return this.#view.getUint32(16, true);
  }
  get uid(): number {
    return this.#view.getUint32(20, true);
  }
  get gid(): number {
    return this.#view.getUint32(24, true);
  }
  get rdev(): number {
    return makedev(this.#view.getUint32(128, true), this.#view.getUint32(132, true));
  }
  get size(): number {
    return u64(this.#view, 40);
  }
  get blksize(): number {
    return this.#view.getUint32(4, true);
  }
  get blocks(): number {
    return u64(this.#view, 48);
  }
  get atimeMs(): number {
    return milliseconds(this.#view, 64);
  }
  get birthtimeMs(): number {
    return milliseconds(this.#view, 80);
  }
  get ctimeMs(): number {
    return milliseconds(this.#view, 96);
  }
  get mtimeMs(): number {
    return milliseconds(this.#view, 112);
  }
  get atime(): Date {
    return new Date(this.atimeMs);
  }
  get mtime(): Date {
    return new Date(this.mtimeMs);
  }
  get ctime(): Date {
    return new Date(this.ctimeMs);
  }
  get birthtime(): Date {
    return new Date(this.birthtimeMs);
  }
  isFile(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }
  isDirectory(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }
  isSymbolicLink(): boolean {
    return (this.mode & S_IFMT) === S_IFLNK;
  }
  isFIFO(): boolean {
    return (this.mode & S_IFMT) === S_IFIFO;
  }
  isSocket(): boolean {
    return (this.mode & S_IFMT) === S_IFSOCK;
  }
  isCharacterDevice(): boolean {
    return (this.mode & S_IFMT) === S_IFCHR;
  }
  isBlockDevice(): boolean {
    return (this.mode & S_IFMT) === S_IFBLK;
  }
}

/**
 * glibc's makedev, as libuv builds `dev` and `rdev` from statx's major and minor numbers. Plain
 * arithmetic (bitwise operators stop at 32 bits); above 2^53 as lossy as node:fs's own numbers.
 */
function makedev(major: number, minor: number): number {
  const majorLow = major % 0x1000;
  const minorLow = minor % 0x100;
  return (major - majorLow) * 0x1_0000_0000 + majorLow * 0x100 + (minor - minorLow) * 0x1000 + minorLow;
}

/** A 64-bit field as a number, without BigInt. */
function u64(view: DataView, at: number): number {
  return view.getUint32(at + 4, true) * 0x1_0000_0000 + view.getUint32(at, true);
}

/** A `struct statx_timestamp`: signed seconds, then nanoseconds. */
function milliseconds(view: DataView, at: number): number {
  const seconds = view.getInt32(at + 4, true) * 0x1_0000_0000 + view.getUint32(at, true);
  return seconds * 1000 + view.getUint32(at + 8, true) / 1e6;
}
