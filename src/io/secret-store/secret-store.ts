import { isExpired } from "../../core/cache/freshness.js";
import { parseJson } from "../../core/json.js";
import type { CacheEntry } from "../../core/cache/cache-entry.js";
import { toCacheEntry } from "../../core/cache/cache-entry.js";
import { StoreError, errorFirstLine } from "../../core/errors.js";
import { encodeSecret, joinParts, parseHead, partAccount } from "../../core/store/secret-chunks.js";
import type { CredentialStore } from "../credential-store.js";
import { zlibCompression } from "./compression.js";
import { KEYRING_SERVICE, type KeyringApi } from "./keyring-api.js";
import type { KeyringIndex } from "./keyring-index.js";
import { planPrune, type IndexedEntry } from "../../core/store/keyring-prune.js";

export interface SecretStoreOptions {
  readonly keyring: KeyringApi;
  readonly index: KeyringIndex;
  readonly lockDirectory: string;
  /** One stderr line for the user (the store failed); never carries a secret. */
  readonly warn: (message: string) => void;
  readonly debug: (message: string) => void;
  /**
   * Asked just before each write: whether the store can still be written without a prompt. A write
   * to a locked collection needs an unlock, which shows a prompt; a store that said "usable" before a
   * slow plugin ran may have locked since. Without it, always.
   */
  readonly writable?: () => Promise<{ readonly ok: true } | { readonly ok: false; readonly why: string }>;
}

export type SecretStore = CredentialStore & {
  /** Keys named in the index (what --list and --clear act on). */
  keys(): string[];
  /** Removes the entry and its parts; true when something was removed. */
  remove(key: string): Promise<boolean>;
};

/**
 * Cache entries in the OS secret store: service "kube-credential-cache", account = the cache key,
 * value = the entry's JSON, exactly what the file store keeps for that key (split into parts only
 * where the store's size limit needs it: core/store/secret-chunks.ts). A value that is not ours or does
 * not parse is a miss, and the next refresh overwrites it.
 */
export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const { keyring, index, warn, debug } = options;
  const get = async (key: string): Promise<CacheEntry | undefined> => {
    try {
      const entry = await readEntry(keyring, key);
      if (entry === "damaged") debug(`keyring entry for this key is not kcc-cache's or is damaged: a miss`);
      return entry === "damaged" ? undefined : entry;
    } catch (error) {
      warn(`${keyring.description} cannot be read (${errorFirstLine(error)}); continuing without cache`);
      return undefined;
    }
  };
  const remove = async (key: string): Promise<boolean> => {
    let removed = false;
    try {
      removed = await deleteEntry(keyring, key, index.read().get(key)?.parts ?? 0);
    } catch (error) {
      throw new StoreError(`${keyring.description}: cannot remove an entry (${errorFirstLine(error)})`, {
        cause: error,
      });
    }
    await index.update((keys) => {
      keys.delete(key);
    });
    return removed;
  };
  return {
    name: "keyring",
    location: `${keyring.description}, service ${KEYRING_SERVICE}`,
    lockDirectory: options.lockDirectory,
    get,
    async put(key, entry, nowMs) {
      const writable = (await options.writable?.()) ?? { ok: true };
      if (!writable.ok) {
        debug(`not cached: ${writable.why}`);
        return;
      }
      const known = index.read();
      const parts = await writeEntry(keyring, key, entry, known.get(key)?.parts ?? 0);
      const pruned = await pruneExpired(keyring, get, known, key, nowMs, debug);
      try {
        await index.update((keys) => {
          pruned(keys);
          keys.set(key, { parts, expiresAtMs: entry.expiresAtMs });
        });
      } catch (error) {
        // The credential is stored and will be served; only --list/--clear may not see it.
        warn(`keyring index ${index.path} not updated (${errorFirstLine(error)})`);
      }
    },
    keys: () => [...index.read().keys()].sort(),
    remove,
  };
}

/** One entry, joined from its parts where it was split; "damaged" when it is not kcc-cache's whole entry. */
async function readEntry(keyring: KeyringApi, key: string): Promise<CacheEntry | "damaged" | undefined> {
  const head = await keyring.get(key);
  if (head === undefined) return undefined;
  const parsed = parseHead(head);
  let json: string | undefined;
  if (parsed.kind === "plain") json = parsed.json;
  else if (parsed.kind === "chunked") {
    const parts: (string | undefined)[] = [];
    for (let part = 1; part <= parsed.count; part += 1) parts.push(await keyring.get(partAccount(key, part)));
    json = joinParts(parsed, parts, zlibCompression);
  }
  return (json === undefined ? undefined : toCacheEntry(parseJson(json))) ?? "damaged";
}

/**
 * Writes the entry, split where the store needs it; returns its number of extra parts. Parts first,
 * head last: a reader never finds a head whose parts are not written yet. Parts a longer entry left
 * behind are removed after.
 */
async function writeEntry(
  keyring: KeyringApi,
  key: string,
  entry: CacheEntry,
  partsBefore: number,
): Promise<number> {
  const encoded = encodeSecret(JSON.stringify(entry), keyring.maxPartChars, zlibCompression);
  try {
    for (const [at, part] of encoded.parts.entries()) await keyring.set(partAccount(key, at + 1), part);
    await keyring.set(key, encoded.head);
    for (let part = encoded.parts.length + 1; part <= partsBefore; part += 1)
      await keyring.delete(partAccount(key, part));
  } catch (error) {
    throw new StoreError(`${keyring.description} cannot be written (${errorFirstLine(error)})`, {
      cause: error,
    });
  }
  return encoded.parts.length;
}

/** Deletes the entry and its parts from the store (not from the index); true when it was there. */
async function deleteEntry(keyring: KeyringApi, key: string, knownParts: number): Promise<boolean> {
  const head = await keyring.get(key);
  const parsed = head === undefined ? undefined : parseHead(head);
  const count = Math.max(knownParts, parsed?.kind === "chunked" ? parsed.count : 0);
  for (let part = 1; part <= count; part += 1) await keyring.delete(partAccount(key, part));
  return keyring.delete(key);
}

/**
 * As the file store prunes on write: without it, every key ever used would stay in the keyring (and
 * in --list) forever. Bounded per write (core/store/keyring-prune.ts); returns the index changes, which
 * the write records in its one index update.
 */
async function pruneExpired(
  keyring: KeyringApi,
  read: (key: string) => Promise<CacheEntry | undefined>,
  known: ReadonlyMap<string, IndexedEntry>,
  written: string,
  nowMs: number,
  debug: (message: string) => void,
): Promise<(keys: Map<string, IndexedEntry>) => void> {
  const plan = planPrune(known, written, nowMs);
  const removed: string[] = [];
  const learned = new Map<string, IndexedEntry>();
  const tryDelete = async (key: string): Promise<void> => {
    try {
      await deleteEntry(keyring, key, known.get(key)?.parts ?? 0);
      removed.push(key);
    } catch (error) {
      debug(`could not prune a keyring entry (${errorFirstLine(error)})`);
    }
  };
  for (const key of plan.remove) await tryDelete(key);
  for (const key of plan.inspect) {
    const existing = await read(key);
    if (existing !== undefined && !isExpired(existing.expiresAtMs, nowMs))
      learned.set(key, { parts: known.get(key)?.parts ?? 0, expiresAtMs: existing.expiresAtMs });
    else await tryDelete(key);
  }
  if (removed.length > 0) debug(`pruned ${removed.length} expired or missing keyring entries`);
  return (keys) => {
    // An entry rewritten meanwhile by another kcc-cache keeps its index line: its next read is a
    // miss at worst, never an entry --list and --clear cannot see.
    for (const key of removed)
      if (keys.get(key)?.expiresAtMs === known.get(key)?.expiresAtMs) keys.delete(key);
    for (const [key, entry] of learned) if (keys.has(key)) keys.set(key, entry);
  };
}
