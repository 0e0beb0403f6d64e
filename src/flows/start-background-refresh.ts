import { keyFiles } from "../core/cache/key-files.js";
import { mkdirSync } from "../io/fs.js";
import { BACKGROUND_CHILD_ENV } from "../core/cache/background-marker.js";
import type { CacheEntry } from "../core/cache/cache-entry.js";
import { errorSummary } from "../core/errors.js";
import type { DebugLog } from "../io/debug-log.js";
import { processStartTime } from "../io/processes/process-identity.js";
import type { Runtime } from "./runtime.js";
import type { ServeRequest } from "./serve-request.js";

export interface BackgroundStart {
  readonly request: ServeRequest;
  readonly key: string;
  /** The entry just served: the background copy refreshes this one, and no newer one. */
  readonly entry: CacheEntry;
  readonly lockDirectory: string;
  readonly runtime: Runtime;
  readonly debug: DebugLog;
}

/**
 * Called after a hit inside the background window has been printed, when the serve decision says a
 * refresh is due (core/cache/serve-decision.ts, which also pauses it after a failure): starts one
 * detached kcc-cache that refreshes the credential (docs/background-refresh.md). Single flight through the key's refresh
 * lock, taken here without waiting: if anyone holds it (a foreground refresh, or the background copy
 * another caller started), nothing is started. The lock is then handed to the started copy, so that
 * from the first moment to the last it names a live process. Never fails the call it rides on.
 */
export async function startBackgroundRefresh(start: BackgroundStart): Promise<void> {
  const { request, key, entry, lockDirectory, runtime, debug } = start;
  const files = keyFiles(lockDirectory, key, runtime.platform.os);
  const path = files.lock;
  try {
    mkdirSync(lockDirectory, { recursive: true, mode: 0o700 });
    // Lazily, as everywhere: one copy of the lock module holds every lock of this process.
    const { claimLockNow } = await import("../io/locks/refresh-lock.js");
    const claim = claimLockNow(path);
    if (claim === undefined) {
      debug("background refresh: not started, the refresh lock is held (a refresh is already running)");
      return;
    }
    let pid: number | undefined;
    try {
      // `--` keeps a plugin whose name starts with a dash the plugin, as the user wrote it.
      pid = await runtime.startDetachedCopy(["--", request.command, ...request.args], {
        ...runtime.env,
        [BACKGROUND_CHILD_ENV]: String(entry.storedAtMs),
      });
    } finally {
      if (pid === undefined) claim.release();
    }
    if (pid === undefined) {
      debug("background refresh: could not start a kcc-cache process");
      return;
    }
    claim.handOff({ pid, start: processStartTime(pid) });
    debug(`background refresh: started (pid ${pid}), holding the refresh lock ${path}`);
  } catch (error) {
    debug(`background refresh: not started (${errorSummary(error)})`);
  }
}
