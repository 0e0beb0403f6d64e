import { readFileSync, unlinkSync } from "../fs.js";
import { parentPath } from "../../core/path-names.js";
import { isRecord, otherFields, parseJson } from "../../core/json.js";
import { StoreError, errorFirstLine } from "../../core/errors.js";
import type { IndexedEntry } from "../../core/store/keyring-prune.js";
import { removeLeftoverTempFiles, writeFileAtomic } from "../cache-file/atomic-file.js";
import { ensureDirectory } from "../cache-file/file-store.js";

/**
 * The keys kcc-cache has put in the OS secret store — names only, never a secret — so that --list
 * and --clear work everywhere: Windows and macOS cannot search entries by service portably, and the
 * Secret Service search returns every secret with its item. A file beside the cache file (0600)
 * rather than an index entry in the keyring: updating it needs a lock, which the file already has,
 * and reading it needs no keyring unlock. A lost index hides entries from --list/--clear; it never
 * changes what a hit serves.
 *
 * Its existence is also the cache's memory of having used a secret store (flows/choose-store.ts):
 * every successful write creates it and nothing removes it, so when no secret store is usable later
 * (daemon gone, no desktop bus), auto mode serves uncached instead of moving to the plaintext file.
 */
export interface KeyringIndex {
  readonly path: string;
  /** key -> its number of extra parts (0 for a value stored whole) and, when recorded, its expiry. */
  read(): Map<string, IndexedEntry>;
  update(change: (keys: Map<string, IndexedEntry>) => void): Promise<void>;
}

export function createKeyringIndex(
  path: string,
  lockFile: (path: string) => Promise<(() => void) | undefined>,
): KeyringIndex {
  const read = (): Map<string, IndexedEntry> => parseIndex(readText(path));
  return {
    path,
    read,
    async update(change) {
      ensureDirectory(parentPath(path, process.platform));
      const release = await lockFile(`${path}.lock`);
      if (release === undefined) throw new StoreError(`keyring index ${path} is locked by another process`);
      try {
        const text = readText(path);
        const format = newerFormat(text);
        if (format !== undefined)
          throw new StoreError(
            `keyring index ${path} is in a newer kcc-cache's format (${format}); this version leaves it alone`,
          );
        const keys = parseIndex(text);
        change(keys);
        // A writer killed mid-write leaves its temp copy; under the lock none is in use.
        removeLeftoverTempFiles(path);
        writeFileAtomic(path, serializeIndex(keys, text), 0o600);
      } finally {
        release();
      }
    },
  };
}

/** The index's format; a later kcc-cache's index is neither read nor rewritten (docs/cache-format.md). */
const INDEX_FORMAT = 1;

function newerFormat(text: string | undefined): number | undefined {
  const value = text === undefined ? undefined : parseJson(text);
  const format = isRecord(value) ? value["kcc"] : undefined;
  return typeof format === "number" && Number.isSafeInteger(format) && format > INDEX_FORMAT
    ? format
    : undefined;
}

export function parseIndex(text: string | undefined): Map<string, IndexedEntry> {
  const keys = new Map<string, IndexedEntry>();
  if (text === undefined || newerFormat(text) !== undefined) return keys;
  // Not JSON: rebuilt by the next write; entries it named stay in the store until they expire or --clear.
  const value = parseJson(text);
  const raw = isRecord(value) ? value["keyring"] : undefined;
  if (!isRecord(raw)) return keys;
  for (const [key, entry] of Object.entries(raw)) {
    const parts = isRecord(entry) ? entry["parts"] : undefined;
    const expiresAtMs = isRecord(entry) ? entry["expiresAtMs"] : undefined;
    keys.set(key, {
      parts: typeof parts === "number" && Number.isInteger(parts) && parts >= 0 ? parts : 0,
      ...(typeof expiresAtMs === "number" && Number.isFinite(expiresAtMs) ? { expiresAtMs } : {}),
    });
  }
  return keys;
}

/**
 * The index's text. What the previous text held that this version does not know (fields of a line
 * or of the file, written by a later version of the same format) is carried over unchanged.
 */
export function serializeIndex(
  keys: ReadonlyMap<string, IndexedEntry>,
  previous: string | undefined,
): string {
  const before = previous === undefined ? undefined : parseJson(previous);
  const old = isRecord(before) ? before : {};
  const oldLines = isRecord(old["keyring"]) ? old["keyring"] : {};
  const lines: Record<string, unknown> = {};
  for (const [key, entry] of keys) {
    const oldLine = oldLines[key];
    lines[key] = { ...(isRecord(oldLine) ? otherFields(oldLine, ["parts", "expiresAtMs"]) : {}), ...entry };
  }
  const fields = otherFields(old, ["kcc", "keyring"]);
  return `${JSON.stringify({ kcc: INDEX_FORMAT, keyring: lines, ...fields }, null, 1)}\n`;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Removes the index, and with it the cache's memory of having used a secret store (the user asked:
 * kcc-cache --clear --forget-secret-store). True when there was one. Never through a link: unlink
 * removes the link itself.
 */
export function forgetKeyringIndex(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new StoreError(`keyring index ${path} cannot be removed (${errorFirstLine(error)})`, {
      cause: error,
    });
  }
}
