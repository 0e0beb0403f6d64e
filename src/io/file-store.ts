import {
  chmodSync,
  closeSync,
  fchmodSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CacheEntry } from "../core/cache-entry.js";
import {
  parseCacheDocument,
  serializeCacheDocument,
  withEntry,
  type CacheDocument,
} from "../core/cache-document.js";
import { StoreError } from "../core/errors.js";
import { writeFileAtomic } from "./atomic-file.js";
import type { CredentialStore } from "./credential-store.js";

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export interface FileStoreOptions {
  readonly path: string;
  /** One stderr line for the user (a broken or unreadable cache file). */
  readonly warn: (message: string) => void;
  /** Waits for the short-lived lock that serialises read-modify-write of the file. */
  readonly lockFile: (path: string) => Promise<(() => void) | undefined>;
}

/**
 * All credentials in one JSON file, protected by file modes only (0600 file, 0700 directory).
 * Readers take no lock: every write replaces the file atomically. Writers hold `<file>.lock` for
 * the few milliseconds of read-modify-write so that two refreshes of different keys keep both.
 */
export function createFileStore(options: FileStoreOptions): CredentialStore & {
  readDocument(): CacheDocument;
  replaceDocument(update: (document: CacheDocument) => CacheDocument): Promise<void>;
} {
  const { path } = options;
  // The hit path and then the refresh path both read the file: report each problem once per run.
  const warned = new Set<string>();
  const warn = (message: string): void => {
    if (warned.has(message)) return;
    warned.add(message);
    options.warn(message);
  };
  const readDocument = (): CacheDocument => {
    const text = readCacheText(path, warn);
    if (text === undefined) return { entries: new Map() };
    const read = parseCacheDocument(text);
    if (read.state === "broken") warn(`cache file ${path} is broken (${read.why}); it will be rebuilt`);
    return read.document;
  };
  const replaceDocument = async (update: (document: CacheDocument) => CacheDocument): Promise<void> => {
    ensureDirectory(dirname(path));
    const release = await options.lockFile(`${path}.lock`);
    if (release === undefined)
      throw new StoreError(`cache file ${path} is locked by another process; not updated`);
    try {
      const current = parseCacheDocument(readCacheText(path, () => undefined) ?? "").document;
      writeFileAtomic(path, serializeCacheDocument(update(current)), FILE_MODE);
    } finally {
      release();
    }
  };
  return {
    name: "file",
    location: path,
    lockDirectory: join(dirname(path), "locks"),
    get: (key) => Promise.resolve(readDocument().entries.get(key)),
    put: (key: string, entry: CacheEntry, nowMs: number) =>
      replaceDocument((document) => withEntry(document, key, entry, nowMs)),
    readDocument,
    replaceDocument,
  };
}

/** Reads the file, tightening loose modes on the way (one fstat, cheap enough for every hit). */
function readCacheText(path: string, warn: (message: string) => void): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT")
      warn(`cache file ${path} cannot be read (${code ?? "error"}); continuing without cache`);
    return undefined;
  }
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0)
      tightenQuietly(() => {
        fchmodSync(fd, FILE_MODE);
      });
    return readFileSync(fd, "utf8");
  } catch (error) {
    warn(
      `cache file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}); continuing without cache`,
    );
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Creates a private (0700) directory; tightens it when it is kcc-cache's own. */
export function ensureDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true, mode: DIR_MODE });
    // Tighten our own directory, but never a shared one the user pointed KUBE_CREDENTIAL_CACHE_FILE into.
    if (basename(directory) === "kube-credential-cache" && (statSync(directory).mode & 0o077) !== 0) {
      tightenQuietly(() => {
        chmodSync(directory, DIR_MODE);
      });
    }
  } catch (error) {
    throw new StoreError(`cache directory ${directory} cannot be created`, { cause: error });
  }
}

function tightenQuietly(change: () => void): void {
  try {
    change();
  } catch {
    // Not our file to change (another owner): the modes are reported by --status instead.
  }
}
