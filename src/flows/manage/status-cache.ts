import { lastBackgroundRecords } from "../../core/cache/background-refresh.js";
import { ENV, type CacheConfig } from "../../core/config.js";
import { cachesNow, NOT_CACHING_EXIT, renderStatus } from "../../core/manage/status-report.js";
import { backgroundLogPath, readBackgroundLog } from "../../io/background/refresh-log.js";
import { cacheLocation, keyringIndexPath, usedSecretStoreBefore } from "../choose-store.js";
import type { Runtime } from "../runtime.js";
import type { CacheInventory } from "./cache-inventory.js";

/** --status: the facts behind the store choice, and what each store holds; exit 3 when nothing would be cached. */
export function statusOfCache(
  inventory: CacheInventory,
  json: boolean,
  config: CacheConfig,
  runtime: Runtime,
  version: string,
): number {
  const { location, decision, file, keyring } = inventory;
  runtime.stdout(
    renderStatus(
      {
        version,
        backend: config.backend,
        backendSetting: runtime.env[ENV.backend],
        decision,
        file,
        keyring:
          keyring === undefined ? undefined : { location: keyring.location, entries: keyring.keys().length },
        usedSecretStoreBefore: usedSecretStoreBefore(config, runtime),
        keyringIndex: keyringIndexPath(config, runtime),
        // The log beside the cache is read only where the cache directory can be trusted.
        background: lastBackgroundRecords(
          location.kind === "ok"
            ? readBackgroundLog(backgroundLogPath(cacheLocation(config, runtime).directory))
            : "",
        ),
      },
      json,
    ),
  );
  return cachesNow(decision, file) ? 0 : NOT_CACHING_EXIT;
}
