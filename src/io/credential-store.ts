import type { CacheEntry } from "../core/cache/cache-entry.js";

/**
 * Where cached credentials live. Reads never throw: a store that cannot be read is a miss plus a
 * warning, because the cache is only an optimisation. Writes may throw a StoreError, which the
 * caller reports as a warning while still printing the credential.
 */
export interface CredentialStore {
  readonly name: "file" | "keyring";
  /** A path or a service name, for debug output and --status. */
  readonly location: string;
  /**
   * Directory for per-key refresh locks and last-served markers (never secrets); undefined where no
   * trustworthy directory exists, and then nothing is locked or marked.
   */
  readonly lockDirectory: string | undefined;
  get(key: string): Promise<CacheEntry | undefined>;
  put(key: string, entry: CacheEntry, nowMs: number): Promise<void>;
}
