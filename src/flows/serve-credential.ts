import { keyFiles } from "../core/cache/key-files.js";
import type { CacheEntry } from "../core/cache/cache-entry.js";
import { servedLine, type CallerIdentity } from "../core/cache/caller-identity.js";
import { buildCacheKey } from "../core/cache/cache-key.js";
import { readCacheConfig } from "../core/config.js";
import { isClientGoExecInfo, parseExecInfo } from "../core/credential/exec-info.js";
import { decideServe, describeServeDecision, tracksCaller } from "../core/cache/serve-decision.js";
import { readServedLog, recordServed } from "../io/processes/served-log.js";
import { createDebugLog } from "../io/debug-log.js";
import { openStore } from "./choose-store.js";
import type { Runtime } from "./runtime.js";
import type { CallerRecord, ServeRequest } from "./serve-request.js";

export type { ServeRequest } from "./serve-request.js";

/**
 * kcc-cache's job: print a fresh cached credential, or refresh it through the plugin. This module is
 * the cache-hit path, run on every kubectl call: it reads the facts, lets the core decide
 * (src/core/cache/serve-decision.ts), and acts; it imports only what a hit needs, and loads the refresh
 * machinery (plugin, locks, validation, YAML) only on a miss.
 */
export async function serveCredential(request: ServeRequest, runtime: Runtime): Promise<number> {
  const config = readCacheConfig(runtime.env);
  const debug = createDebugLog(config.debug, runtime.now(), runtime.now, runtime.stderr);
  const execInfo = parseExecInfo(runtime.env["KUBERNETES_EXEC_INFO"]);
  const key = buildCacheKey({
    command: request.command,
    args: request.args,
    env: runtime.env,
    cacheKeyEnvList: config.cacheKeyEnvList,
    execInfo,
  });
  debug(`key: ${key}`);
  // Who is asking does not depend on the store: on a keyring hit it is found out while the Secret
  // Service answers (docs/startup.md, "Replies read in one pass"), else right after.
  const tracked = tracksCaller(config, isClientGoExecInfo(runtime.env["KUBERNETES_EXEC_INFO"]));
  let caller: CallerIdentity | undefined;
  let identified = false;
  const identify = (): void => {
    if (identified) return;
    caller = tracked ? runtime.identifyProcess(runtime.parentPid) : undefined;
    identified = true;
  };
  const store = await openStore(config, runtime, debug, key, identify);
  identify();
  const entry = await store.get(key);
  const files =
    store.lockDirectory === undefined
      ? undefined
      : keyFiles(store.lockDirectory, key, runtime.platform.os, entry);
  const record: CallerRecord | undefined =
    caller === undefined || files === undefined ? undefined : { caller, logPath: files.servedLog };
  const nowMs = runtime.now();
  // The log matters only to a fresh entry; a miss does not read it.
  const callerFacts =
    record === undefined || entry === undefined
      ? undefined
      : { current: record.caller, servedLog: readServedLog(record.logPath) };
  let decision = decideServe(entry, nowMs, config, callerFacts);
  if (decision.kind === "check-background") {
    // Inside the window only: when the last background refresh failed, from the marker beside the lock.
    const failedAtMs =
      files === undefined
        ? undefined
        : (await import("../io/background/failure-marker.js")).backgroundFailedAt(files.backgroundFailed);
    decision = decideServe(entry, nowMs, config, callerFacts, { failedAtMs });
  }
  // Formatted only when asked for: this runs on every hit.
  if (config.debug) {
    if (entry !== undefined)
      debug(`entry: expires ${new Date(entry.expiresAtMs).toISOString()} (${entry.expirySource})`);
    debug(describeServeDecision(decision, config));
  }
  if (entry !== undefined && (decision.kind === "hit" || decision.kind === "hit-and-refresh")) {
    runtime.stdout(entry.credential);
    if (record !== undefined) recordServed(record.logPath, servedLine(record.caller, entry.storedAtMs));
    // After the credential is out: kubectl has what it needs while the refresh is handed off.
    if (decision.kind === "hit-and-refresh" && store.lockDirectory !== undefined) {
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
  const rejected: CacheEntry | undefined = decision.kind === "rejected" ? entry : undefined;
  const { refreshCredential } = await import("./refresh-credential.js");
  return refreshCredential({ request, key, config, execInfo, store, runtime, debug, record, rejected });
}
