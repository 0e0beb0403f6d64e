import { keyFiles } from "../core/cache/key-files.js";
import { mkdirSync } from "../io/fs.js";
import type { CacheEntry } from "../core/cache/cache-entry.js";
import type { CacheConfig } from "../core/config.js";
import { formatDuration } from "../core/duration.js";
import { PluginError, errorSummary } from "../core/errors.js";
import { describePluginStop } from "../core/credential/plugin-stop.js";
import { errnoOf } from "../core/system-error.js";
import type { ExecInfo } from "../core/credential/exec-info.js";
import { isQuietLockFailure, servableAfterWait } from "../core/cache/refresh-rules.js";
import type { CredentialStore } from "../io/credential-store.js";
import type { DebugLog } from "../io/debug-log.js";
import type { LockOutcome } from "../io/locks/refresh-lock.js";
import { trapSignals, type SignalTrap } from "../io/processes/signals.js";
import { recordServed } from "../io/processes/served-log.js";
import { servedLine } from "../core/cache/caller-identity.js";
import { runAndStore } from "./run-and-store.js";
import { tell, warn, type Runtime } from "./runtime.js";
import type { CallerRecord, ServeRequest } from "./serve-request.js";

export interface RefreshContext {
  readonly request: ServeRequest;
  readonly key: string;
  readonly config: CacheConfig;
  readonly execInfo: ExecInfo | undefined;
  readonly store: CredentialStore;
  readonly runtime: Runtime;
  readonly debug: DebugLog;
  readonly record: CallerRecord | undefined;
  /** The cached entry the API server just rejected: never serve it again, nor anything stored before it. */
  readonly rejected: CacheEntry | undefined;
}

const LOCK_POLL_MS = 25;

/**
 * The miss path. Single flight: one kcc-cache per key runs the plugin while the others wait on the
 * key's lock and then serve what it stored. The plugin's own result always reaches the caller
 * unchanged; the cache only decides whether to keep it.
 */
export async function refreshCredential(context: RefreshContext): Promise<number> {
  // Imported lazily, as the file store's lock is, so that both share one module: a signal then
  // releases every lock this process holds.
  const { releaseHeldLocks } = await import("../io/locks/refresh-lock.js");
  const signals = trapSignals(releaseHeldLocks);
  try {
    return await refreshUnderLock(context, signals);
  } finally {
    signals.dispose();
  }
}

async function refreshUnderLock(context: RefreshContext, signals: SignalTrap): Promise<number> {
  const { store, runtime, debug, config, key, rejected } = context;
  const fresh = async (): Promise<CacheEntry | undefined> => {
    const entry = await store.get(key);
    return servableAfterWait(entry, runtime.now(), config.refreshMarginMs, rejected) ? entry : undefined;
  };
  const serve = (entry: CacheEntry): number => {
    runtime.stdout(entry.credential);
    if (context.record !== undefined) {
      recordServed(context.record.logPath, servedLine(context.record.caller, entry.storedAtMs));
    }
    return 0;
  };
  const waitStart = runtime.now();
  // Keep what the waiting check found: reading the store again would cost another round trip.
  let refreshedMeanwhile: CacheEntry | undefined;
  const lock = await takeKeyLock(context, async () => {
    refreshedMeanwhile = await fresh();
    return refreshedMeanwhile !== undefined;
  });
  if (lock.kind === "satisfied" && refreshedMeanwhile !== undefined) {
    debug(`hit after waiting ${formatDuration(runtime.now() - waitStart)} for another kcc-cache's refresh`);
    return serve(refreshedMeanwhile);
  }
  if (lock.kind === "timeout") {
    warn(
      runtime,
      `waited ${formatDuration(config.lockTimeoutMs)} for another kcc-cache (pid ${lock.holder?.pid ?? "unknown"}) to refresh this credential; running the plugin myself`,
    );
  }
  try {
    if (lock.kind === "acquired") {
      // The previous holder may have stored a fresh credential just before we got the lock.
      const entry = await fresh();
      if (entry !== undefined) {
        debug("hit: refreshed by another kcc-cache while this one waited for the lock");
        return serve(entry);
      }
    }
    return await refreshThroughPlugin(context, serve, signals);
  } finally {
    if (lock.kind === "acquired") lock.release();
  }
}

async function takeKeyLock(
  context: RefreshContext,
  isSatisfied: () => Promise<boolean>,
): Promise<LockOutcome | { readonly kind: "unavailable" }> {
  const { store, runtime, config, key, debug } = context;
  const directory = store.lockDirectory;
  // No trustworthy directory for locks (already reported): refresh without single flight.
  if (directory === undefined) return { kind: "unavailable" };
  const path = keyFiles(directory, key, runtime.platform.os).lock;
  try {
    const { acquireLock } = await import("../io/locks/refresh-lock.js");
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    debug(`refresh lock: taking ${path}`);
    const outcome = await acquireLock(path, {
      timeoutMs: config.lockTimeoutMs,
      pollMs: LOCK_POLL_MS,
      now: runtime.now,
      isSatisfied,
      debug,
    });
    debug(`refresh lock: ${outcome.kind}`);
    return outcome;
  } catch (error) {
    // The lock only saves duplicate plugin runs; without it the credential is still served.
    const message = `refresh lock unavailable: ${errorSummary(error)}; running the plugin without it`;
    if (isQuietLockFailure(errnoOf(error))) debug(message);
    else warn(runtime, message);
    // Not "timeout": nobody was waited for, and saying so would send the user after a phantom process.
    return { kind: "unavailable" };
  }
}

/** The plugin's result carried out in the foreground: printed as the plugin printed it, kept when it may be. */
async function refreshThroughPlugin(
  context: RefreshContext,
  serve: (entry: CacheEntry) => number,
  signals: SignalTrap,
): Promise<number> {
  const { request, runtime, debug, config, store, key, execInfo } = context;
  const started = runtime.now();
  const refresh = await runAndStore({
    request,
    key,
    env: runtime.env,
    apiVersion: execInfo?.apiVersion,
    config,
    store,
    now: runtime.now,
    options: {
      onSpawn: (child) => {
        signals.forwardTo(child);
      },
    },
  });
  const took = formatDuration(runtime.now() - started);
  switch (refresh.kind) {
    case "stopped":
      // Its output is cut short, so kubectl could use none of it: nothing printed, nothing cached.
      throw new PluginError(
        "PLUGIN_FAILED",
        `credential plugin ${JSON.stringify(request.command)} ${describePluginStop(refresh.stop)}; nothing was cached`,
      );
    case "failed":
      debug(`plugin exited ${refresh.exitCode} after ${took}`);
      // kubectl ignores stdout on failure; pass it on anyway so it sees exactly what the plugin did.
      runtime.stdout(refresh.stdout);
      return refresh.exitCode;
    case "not-cached":
      debug(`plugin exited 0 after ${took}`);
      runtime.stdout(refresh.stdout);
      tell(runtime, `the plugin's output was not cached: ${refresh.reason}`);
      return 0;
    case "credential": {
      debug(`plugin exited 0 after ${took}`);
      const { entry, stored } = refresh;
      if (stored.kind === "not-kept") debug(`not stored: ${stored.why}`);
      else debug(`store: until ${new Date(entry.expiresAtMs).toISOString()} (${refresh.lifetime})`);
      if (stored.kind === "store-failed") warn(runtime, `credential not cached: ${stored.why}`);
      return serve(entry);
    }
  }
}
