import { closeSync, fchmodSync, fstatSync, mkdirSync, readFileSync, readSync } from "../fs.js";
import type { CacheEntry } from "../../core/cache/cache-entry.js";
import {
  EMPTY_DOCUMENT,
  parseCacheDocument,
  findSerializedEntry,
  SERIALIZED_EDGE_BYTES,
  serializeCacheDocument,
  withEntry,
  type CacheDocument,
} from "../../core/cache/cache-document.js";
import { judgeCacheContent, refusalMessage, type CacheLocation } from "../../core/cache/cache-location.js";
import { ConfigError, StoreError, errorSummary, isKccError } from "../../core/errors.js";
import { judgeCacheFile, judgeDirectory } from "../../core/cache/private-path.js";
import { removeLeftoverTempFiles, writeFileAtomic } from "./atomic-file.js";
import type { CredentialStore } from "../credential-store.js";
import { inspectDirectory, openRegularFile } from "./private-path.js";

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface FileStoreOptions {
  readonly location: CacheLocation;
  /** The current uid (undefined where the OS has none): a cache file must be the user's own. */
  readonly uid: number | undefined;
  /** One stderr line for the user (a broken, untrustworthy or unreadable cache file). */
  readonly warn: (message: string) => void;
  readonly debug: (message: string) => void;
  /** Waits for the short-lived lock that serialises read-modify-write of the file. */
  readonly lockFile: (path: string) => Promise<(() => void) | undefined>;
}

/**
 * What the cache file gave: its entries (none when it is missing; none, and a one-line `why`, when it
 * is damaged and will be rebuilt), or why it must not be used at all.
 */
type FileRead =
  | { readonly kind: "missing" | "ok"; readonly document: CacheDocument }
  | { readonly kind: "broken"; readonly document: CacheDocument; readonly why: string }
  | { readonly kind: "distrust"; readonly why: string }
  /** Written by a later kcc-cache: neither read nor rewritten (docs/cache-format.md). */
  | { readonly kind: "newer"; readonly why: string };

export type FileStore = CredentialStore & {
  read(): FileRead;
  replaceDocument(update: (document: CacheDocument) => CacheDocument): Promise<void>;
};

/**
 * All credentials in one JSON file, protected by file modes only (0600 file, 0700 directory).
 * Readers take no lock: every write replaces the file atomically. Writers hold `<file>.lock` for
 * the few milliseconds of read-modify-write so that two refreshes of different keys keep both.
 * A path that is not provably a kcc-cache file is never changed (docs/cache-location.md): a
 * ConfigError for what is not a cache at all, a warning and no caching for what another user could
 * have planted.
 */
export function createFileStore(options: FileStoreOptions): FileStore {
  const { location } = options;
  const path = location.file;
  // The hit path and then the refresh path both read the file: report each problem once per run.
  const warned = new Set<string>();
  const warn = (message: string): void => {
    if (warned.has(message)) return;
    warned.add(message);
    options.warn(message);
  };
  // Why nothing may be stored in the file, once a read found out: said once, then only debugged.
  let unwritable: string | undefined;
  const read = (): FileRead => {
    const result = readCacheFile(location, options.uid);
    if (result.kind === "distrust" || result.kind === "newer") unwritable = result.why;
    return result;
  };
  const replaceDocument = async (update: (document: CacheDocument) => CacheDocument): Promise<void> => {
    ensureDirectory(location.directory);
    // Judged again now that it exists: someone may have created it first, between the check and mkdir.
    const directory = judgeDirectory(
      inspectDirectory(location.directory),
      options.uid,
      location.dedicatedDirectory,
    );
    if (directory.kind === "distrust")
      throw new StoreError(`cache directory ${location.directory} ${directory.why}; not updated`);
    const release = await options.lockFile(`${path}.lock`);
    if (release === undefined)
      throw new StoreError(`cache file ${path} is locked by another process; not updated`);
    try {
      // Judged again under the lock: what is replaced is what was judged.
      const current = readCacheFile(location, options.uid);
      if (current.kind === "distrust" || current.kind === "newer")
        throw new StoreError(`${current.why}; not updated`);
      const removed = removeLeftoverTempFiles(path);
      if (removed > 0) options.debug(`removed ${removed} leftover temporary cache file(s)`);
      writeFileAtomic(path, serializeCacheDocument(update(current.document)), FILE_MODE);
    } finally {
      release();
    }
  };
  return {
    name: "file",
    location: path,
    lockDirectory: location.locks,
    get: (key) => {
      const quick = readOneEntry(location, options.uid, key);
      if (quick !== undefined) return Promise.resolve(quick.entry);
      const result = read();
      if (result.kind === "distrust" || result.kind === "newer") {
        warn(`${result.why}; credentials are not cached`);
        return Promise.resolve(undefined);
      }
      if (result.kind === "broken") warn(result.why);
      return Promise.resolve(result.document.entries.get(key));
    },
    put: (key: string, entry: CacheEntry, nowMs: number) => {
      // Already said once; a second line about the same file would only repeat it.
      if (unwritable !== undefined) {
        options.debug(`not stored: ${unwritable}`);
        return Promise.resolve();
      }
      return replaceDocument((document) => withEntry(document, key, entry, nowMs));
    },
    read,
    replaceDocument,
  };
}

/**
 * A hit's read: the one entry, without parsing the rest of the file (core/cache/cache-document.ts says when
 * that is exact), in chunks through one small buffer: reading a large file whole costs more than
 * scanning it. Undefined whenever anything needs the full read's judgement: a missing, foreign,
 * damaged or untrusted file, or one to tighten.
 */
function readOneEntry(
  location: CacheLocation,
  uid: number | undefined,
  key: string,
): { readonly entry: CacheEntry | undefined } | undefined {
  const opened = openRegularFile(location.file);
  const { fd } = opened;
  if (fd === undefined) return undefined;
  try {
    const verdict = judgeCacheFile(opened.facts, uid);
    if (verdict.kind !== "use" || verdict.tighten) return undefined;
    // The file is only ever replaced by a rename, never changed in place: its size holds while open.
    const { size } = fstatSync(fd);
    const edge = Math.min(size, SERIALIZED_EDGE_BYTES);
    return findSerializedEntry(
      {
        head: readAt(fd, 0, edge),
        tail: readAt(fd, size - edge, edge),
        chunks: chunksOf(fd, size),
      },
      key,
    );
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

const CHUNK_BYTES = 256 * 1024;

/**
 * The file's bytes in chunks through one buffer, each read when the caller asks for it. An iterator
 * object rather than a generator: the first generator a process runs has JavaScriptCore compile its
 * generator builtins, which costs a hit about 0.3 MiB of peak memory (docs/startup.md, "Builtins a hit
 * compiles").
 */
function chunksOf(fd: number, size: number): Iterable<Uint8Array> {
  const buffer = Buffer.allocUnsafe(Math.min(size, CHUNK_BYTES));
  let position = 0;
  const next = (): IteratorResult<Uint8Array, undefined> => {
    const read =
      position < size ? readSync(fd, buffer, 0, Math.min(buffer.length, size - position), position) : 0;
    if (read === 0) return { done: true, value: undefined };
    position += read;
    return { done: false, value: buffer.subarray(0, read) };
  };
  return { [Symbol.iterator]: () => ({ next }) };
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

function readCacheFile(location: CacheLocation, uid: number | undefined): FileRead {
  const path = location.file;
  const opened = openRegularFile(path);
  const verdict = judgeCacheFile(opened.facts, uid);
  switch (verdict.kind) {
    case "absent":
    case "off":
      return { kind: "missing", document: EMPTY_DOCUMENT };
    case "refuse":
      throw new ConfigError(refusalMessage(location, verdict.why));
    case "distrust":
      return { kind: "distrust", why: `cache file ${path} ${verdict.why}` };
    case "use":
      break;
  }
  const { fd } = opened;
  if (fd === undefined) return { kind: "missing", document: EMPTY_DOCUMENT };
  let text: string;
  try {
    text = readFileSync(fd, "utf8");
    const content = judgeCacheContent(parseCacheDocument(text), location);
    if (content.kind === "refuse") throw new ConfigError(refusalMessage(location, content.why));
    if (content.kind === "newer") return { kind: "newer", why: content.why };
    // Readable by others is a leak that already happened, not a tampering risk: close it now (but
    // only on a file that is ours: a file of the user's own stays as it was).
    if (verdict.tighten) tightenQuietly(fd);
    return content.warning === undefined
      ? { kind: "ok", document: content.document }
      : { kind: "broken", document: content.document, why: content.warning };
  } catch (error) {
    if (isKccError(error)) throw error;
    return { kind: "distrust", why: `cache file ${path} cannot be read: ${errorSummary(error)}` };
  } finally {
    closeSync(fd);
  }
}

/** Creates a private (0700) directory and its parents. Whether an existing one is trusted is decided before. */
export function ensureDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    throw new StoreError(`cache directory ${directory} cannot be created`, { cause: error });
  }
}

function tightenQuietly(fd: number): void {
  try {
    fchmodSync(fd, FILE_MODE);
  } catch {
    // A file system without modes (FAT, some network shares): nothing to tighten there.
  }
}
