import { defaultCacheFile } from "../core/cache-path.js";
import type { CacheConfig } from "../core/config.js";
import type { CredentialStore } from "../io/credential-store.js";
import type { DebugLog } from "../io/debug-log.js";
import { createFileStore } from "../io/file-store.js";
import { warn, type Runtime } from "./runtime.js";

const FILE_LOCK_TIMEOUT_MS = 5_000;

export function cacheFilePath(config: CacheConfig, runtime: Runtime): string {
  return config.cacheFile ?? defaultCacheFile(runtime.platform);
}

/** The store the configuration asks for. */
export function openStore(config: CacheConfig, runtime: Runtime, debug: DebugLog): Promise<CredentialStore> {
  const path = cacheFilePath(config, runtime);
  debug(`store: file ${path}`);
  return Promise.resolve(
    createFileStore({
      path,
      warn: (message) => {
        warn(runtime, message);
      },
      lockFile: async (lockPath) => {
        const { acquireLock } = await import("../io/lock.js");
        const outcome = await acquireLock(lockPath, {
          timeoutMs: FILE_LOCK_TIMEOUT_MS,
          pollMs: 5,
          now: runtime.now,
          isSatisfied: () => Promise.resolve(false),
        });
        return outcome.kind === "acquired" ? outcome.release : undefined;
      },
    }),
  );
}
