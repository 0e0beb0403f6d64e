import { join } from "node:path";
import type { CacheEntry } from "../core/cache-entry.js";
import { buildCacheKey, keyDigest } from "../core/cache-key.js";
import { readCacheConfig } from "../core/config.js";
import { formatDuration } from "../core/duration.js";
import { parseExecInfo } from "../core/exec-info.js";
import { isFresh } from "../core/freshness.js";
import { isSameCaller, type CallerIdentity } from "../core/rejection.js";
import { readCaller, readLastServed, writeLastServed } from "../io/caller.js";
import { createDebugLog } from "../io/debug-log.js";
import { openStore } from "./open-store.js";
import type { Runtime } from "./runtime.js";

export interface ServeRequest {
  readonly command: string;
  readonly args: readonly string[];
}

/** Who is asking, and where to note that they were served (see src/core/rejection.ts). */
export interface CallerRecord {
  readonly caller: CallerIdentity;
  readonly markerPath: string;
}

/**
 * kcc-cache's job: print a fresh cached credential, or refresh it through the plugin. This module is
 * the cache-hit path, run on every kubectl call: it imports only what a hit needs, and loads the
 * refresh machinery (plugin, locks, validation, YAML) only on a miss.
 */
export async function serveCredential(request: ServeRequest, runtime: Runtime): Promise<number> {
  const config = readCacheConfig(runtime.env);
  const debug = createDebugLog(config.debug, runtime.now(), runtime.now);
  const execInfo = parseExecInfo(runtime.env["KUBERNETES_EXEC_INFO"]);
  const key = buildCacheKey({
    command: request.command,
    args: request.args,
    env: runtime.env,
    cacheKeyEnvList: config.cacheKeyEnvList,
    execInfo,
  });
  debug(`key: ${key}`);
  const store = await openStore(config, runtime, debug);
  // Only client-go sets KUBERNETES_EXEC_INFO; a script calling kcc-cache repeatedly is not retrying.
  const caller = execInfo === undefined ? undefined : readCaller(runtime.parentPid);
  const record =
    caller === undefined || store.lockDirectory === undefined
      ? undefined
      : { caller, markerPath: join(store.lockDirectory, `${keyDigest(key)}.served`) };
  const entry = await store.get(key);
  const now = runtime.now();
  let rejected: CacheEntry | undefined;
  if (entry !== undefined && isFresh(entry.expiresAtMs, now, config.refreshMarginMs)) {
    if (record === undefined || !isSameCaller(readLastServed(record.markerPath), record.caller)) {
      debug(
        `hit: expires ${new Date(entry.expiresAtMs).toISOString()} (${entry.expirySource}); ` +
          `served for ${formatDuration(entry.expiresAtMs - config.refreshMarginMs - now)} more`,
      );
      runtime.stdout(entry.credential);
      if (record !== undefined) writeLastServed(record.markerPath, record.caller);
      // BACKGROUND REFRESH (inline window check, to be replaced by the core serve decision): inside
      // the window before the refresh margin, start one detached refresh (docs/background-refresh.md).
      if (
        config.backgroundRefreshMs > 0 &&
        store.lockDirectory !== undefined &&
        !isFresh(entry.expiresAtMs, now, config.refreshMarginMs + config.backgroundRefreshMs)
      ) {
        debug(
          `background refresh: inside the ${formatDuration(config.backgroundRefreshMs)} window before the refresh margin`,
        );
        const { startBackgroundRefresh } = await import("./start-background-refresh.js");
        await startBackgroundRefresh({
          request,
          key,
          entry,
          lockDirectory: store.lockDirectory,
          runtime,
          debug,
        });
      }
      return 0;
    }
    rejected = entry;
    debug(
      `rejected: the same process (pid ${record.caller.pid}) asked again while its credential is valid, ` +
        "which client-go does after a 401; refreshing",
    );
  } else {
    debug(
      entry === undefined
        ? "miss: no entry"
        : `miss: entry expires ${new Date(entry.expiresAtMs).toISOString()}, within the ${formatDuration(config.refreshMarginMs)} refresh margin`,
    );
  }
  const { refreshCredential } = await import("./refresh-credential.js");
  return refreshCredential({ request, key, config, execInfo, store, runtime, debug, record, rejected });
}
