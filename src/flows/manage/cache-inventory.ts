import type { CacheFileState } from "../../core/manage/cache-file-state.js";
import { documentKeys, type CacheDocument } from "../../core/cache/cache-document.js";
import type { CacheConfig } from "../../core/config.js";
import type { StoreDecision } from "../../core/store/backend-choice.js";
import { leftoverTempFiles } from "../../io/cache-file/atomic-file.js";
import { checkCacheLocation, type LocationState } from "../../io/cache-file/location-check.js";
import type { DebugLog } from "../../io/debug-log.js";
import type { FileStore } from "../../io/cache-file/file-store.js";
import type { SecretStore } from "../../io/secret-store/secret-store.js";
import { cacheLocation, chooseStore, keyringIndexPath, openFileStore } from "../choose-store.js";
import type { Runtime } from "../runtime.js";

/**
 * Both stores as the management options see them, opened by the code a hit uses
 * (flows/choose-store.ts) and judged by the same rules: the location check first, then the file store's
 * own read. A location or file another user could have planted is reported untrusted and never
 * read; the secret store is opened only where it would serve a credential now.
 */
export interface CacheInventory {
  readonly location: LocationState;
  readonly decision: StoreDecision;
  readonly fileStore: FileStore;
  readonly file: CacheFileState;
  /** The file's document as read (empty unless the file is ok or broken). */
  readonly document: CacheDocument | undefined;
  readonly keyring: SecretStore | undefined;
  /** The secret store's keys index: its existence is the cache's memory of having used one. */
  readonly keyringIndex: string;
}

export async function readInventory(
  config: CacheConfig,
  runtime: Runtime,
  debug: DebugLog,
): Promise<CacheInventory> {
  const location = checkCacheLocation(cacheLocation(config, runtime), runtime.uid);
  const { decision, secretStore: keyring } =
    location.kind === "ok"
      ? await chooseStore(config, runtime, debug)
      : {
          decision: { kind: "uncached", why: location.why, warn: false } as StoreDecision,
          secretStore: undefined,
        };
  const fileStore = openFileStore(config, runtime, debug);
  const { file, document } = judgeFile(fileStore, location);
  // Only where the location can be trusted: --clear --forget-secret-store removes it.
  const keyringIndex = keyringIndexPath(config, runtime);
  return { location, decision, fileStore, file, document, keyring, keyringIndex };
}

function judgeFile(
  store: FileStore,
  location: LocationState,
): { readonly file: CacheFileState; readonly document: CacheDocument | undefined } {
  const common = { path: store.location, leftovers: leftoverTempFiles(store.location).length };
  if (location.kind !== "ok") {
    const state = location.kind === "off" ? "off" : "untrusted";
    return { file: { ...common, state, why: location.why, keys: [] }, document: undefined };
  }
  const read = store.read();
  switch (read.kind) {
    case "distrust":
      return { file: { ...common, state: "untrusted", why: read.why, keys: [] }, document: undefined };
    case "newer":
      return { file: { ...common, state: "newer", why: read.why, keys: [] }, document: undefined };
    case "broken":
    case "missing":
    case "ok": {
      const why = read.kind === "broken" ? read.why : undefined;
      const keys = documentKeys(read.document);
      return { file: { ...common, state: read.kind, why, keys }, document: read.document };
    }
  }
}
