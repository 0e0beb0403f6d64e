import { keyFiles } from "../core/cache/key-files.js";
import { BACKGROUND_CHILD_ENV, parseBackgroundMarker } from "../core/cache/background-marker.js";
import { nonInteractiveExecInfo, type BackgroundRecord } from "../core/cache/background-refresh.js";
import { backgroundOutcome, backgroundSkip, type BackgroundOutcome } from "../core/cache/refresh-rules.js";
import { buildCacheKey } from "../core/cache/cache-key.js";
import { readCacheConfig, type CacheConfig, type Env } from "../core/config.js";
import { formatDuration } from "../core/duration.js";
import { errorSummary } from "../core/errors.js";
import { parseExecInfo, type ExecInfo } from "../core/credential/exec-info.js";
import { clearBackgroundFailed, markBackgroundFailed } from "../io/background/failure-marker.js";
import { appendBackgroundRecord, backgroundLogPath } from "../io/background/refresh-log.js";
import type { CredentialStore } from "../io/credential-store.js";
import { createDebugLog } from "../io/debug-log.js";
import { pidExists } from "../io/processes/process-identity.js";
import { cacheLocation, openStore } from "./choose-store.js";
import { runAndStore } from "./run-and-store.js";
import { tell, type Runtime } from "./runtime.js";
import type { ServeRequest } from "./serve-request.js";

/** How long the starting kcc-cache may take to hand the lock over (it does so right after starting us). */
const HANDOFF_WAIT_MS = 5_000;
const HANDOFF_POLL_MS = 5;

/**
 * The detached kcc-cache a hit inside the background window starts (docs/background-refresh.md). It
 * holds the key's refresh lock handed to it, runs the plugin without a terminal (stdin, stdout and
 * stderr are the null device; KUBERNETES_EXEC_INFO says interactive: false), stores a valid result
 * and logs one line. A failure changes nothing in the cache: the entry stays until the foreground
 * refreshes it as before. It prints no credential anywhere.
 */
export async function runBackgroundRefresh(request: ServeRequest, runtime: Runtime): Promise<number> {
  const seenStoredAt = parseBackgroundMarker(runtime.env[BACKGROUND_CHILD_ENV]);
  // Neither the cache key nor the plugin sees the marker.
  const env: Env = Object.fromEntries(
    Object.entries(runtime.env).filter(([name]) => name !== BACKGROUND_CHILD_ENV),
  );
  const inner: Runtime = { ...runtime, env };
  const config = readCacheConfig(env);
  const debug = createDebugLog(config.debug, runtime.now(), runtime.now, runtime.stderr);
  const execInfo = parseExecInfo(env["KUBERNETES_EXEC_INFO"]);
  const key = buildCacheKey({
    command: request.command,
    args: request.args,
    env,
    cacheKeyEnvList: config.cacheKeyEnvList,
    execInfo,
  });
  const store = await openStore(config, inner, debug);
  const release =
    seenStoredAt === undefined || store.lockDirectory === undefined
      ? undefined
      : await adopt(keyFiles(store.lockDirectory, key, runtime.platform.os).lock, runtime);
  if (release === undefined) {
    tell(
      runtime,
      `${BACKGROUND_CHILD_ENV} is kcc-cache's own: this process was not handed a refresh; nothing done`,
    );
    return 2;
  }
  const startedAt = runtime.now();
  try {
    const outcome = await refreshInBackground(
      request,
      key,
      seenStoredAt ?? 0,
      config,
      execInfo,
      store,
      inner,
    );
    const record: BackgroundRecord = {
      at: new Date(startedAt).toISOString(),
      key,
      ...outcome,
      ms: Math.round(runtime.now() - startedAt),
    };
    appendBackgroundRecord(backgroundLogPath(cacheLocation(config, inner).directory), record, runtime.uid);
    if (store.lockDirectory !== undefined) {
      const marker = keyFiles(store.lockDirectory, key, runtime.platform.os).backgroundFailed;
      if (outcome.result === "failed") markBackgroundFailed(marker, runtime.now());
      if (outcome.result === "refreshed") clearBackgroundFailed(marker);
    }
    return outcome.result === "failed" ? 1 : 0;
  } finally {
    release();
  }
}

/** The lock, once the kcc-cache that started us has handed it over; undefined if it never does. */
async function adopt(path: string, runtime: Runtime): Promise<(() => void) | undefined> {
  // Lazily, as everywhere: one copy of the lock module holds every lock of this process.
  const { adoptLock } = await import("../io/locks/refresh-lock.js");
  const deadline = runtime.now() + HANDOFF_WAIT_MS;
  for (;;) {
    const adopted = adoptLock(path);
    if (adopted.kind === "adopted") return adopted.release;
    // Our parent still names itself: the hand-off is on its way (it renames the lock right after the spawn).
    const parent = runtime.parentPid;
    const onItsWay = adopted.holder?.pid === parent && pidExists(parent);
    if (!onItsWay || runtime.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, HANDOFF_POLL_MS));
  }
}

async function refreshInBackground(
  request: ServeRequest,
  key: string,
  seenStoredAt: number,
  config: CacheConfig,
  execInfo: ExecInfo | undefined,
  store: CredentialStore,
  runtime: Runtime,
): Promise<BackgroundOutcome> {
  const skip = backgroundSkip(await store.get(key), seenStoredAt);
  if (skip !== undefined) return skip;
  const started = runtime.now();
  try {
    const refresh = await runAndStore({
      request,
      key,
      env: {
        ...runtime.env,
        KUBERNETES_EXEC_INFO: nonInteractiveExecInfo(runtime.env["KUBERNETES_EXEC_INFO"]),
      },
      apiVersion: execInfo?.apiVersion,
      config,
      store,
      now: runtime.now,
      // Nobody waits for us, but a foreground refresh would wait for our lock: never hold it longer
      // than such a waiter would (KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT). The plugin leads a process group
      // of its own, so that stopping it stops whatever it started (docs/plugin-limits.md).
      options: { ownGroup: true, timeLimitMs: config.lockTimeoutMs },
    });
    return backgroundOutcome(refresh, formatDuration(runtime.now() - started));
  } catch (error) {
    return { result: "failed", why: errorSummary(error) };
  }
}
