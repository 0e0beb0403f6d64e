import { keyFiles } from "../core/cache/key-files.js";
import { mkdirSync } from "node:fs";
import type { CacheEntry } from "../core/cache/cache-entry.js";
import type { CacheConfig } from "../core/config.js";
import { formatDuration } from "../core/duration.js";
import { PluginError, errorSummary } from "../core/errors.js";
import { describePluginStop } from "../core/credential/plugin-stop.js";
import { errnoOf } from "../core/system-error.js";
import type { ExecInfo } from "../core/credential/exec-info.js";
import { isFresh } from "../core/cache/freshness.js";
import type { CredentialStore } from "../io/credential-store.js";
import type { DebugLog } from "../io/debug-log.js";

import type { LockOutcome } from "../io/lock.js";
import { runPlugin } from "../io/plugin.js";
import { trapSignals, type SignalTrap } from "../io/signals.js";
import { tell, warn, type Runtime } from "./runtime.js";
import { judgePluginOutput } from "./plugin-credential.js";
import type { CallerRecord, ServeRequest } from "./serve-credential.js";
import { forgetServed, recordServed } from "../io/caller.js";
import { servedLine } from "../core/cache/caller-identity.js";

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
  const { releaseHeldLocks } = await import("../io/lock.js");
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
    if (entry === undefined || !isFresh(entry.expiresAtMs, runtime.now(), config.refreshMarginMs))
      return undefined;
    return rejected !== undefined && entry.storedAtMs <= rejected.storedAtMs ? undefined : entry;
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
    return await runAndStore(context, serve, signals);
  } finally {
    if (lock.kind === "acquired") lock.release();
  }
}

/** Errors that mean nothing can be written in the cache directory now. */
const UNWRITABLE = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM"]);

async function takeKeyLock(
  context: RefreshContext,
  isSatisfied: () => Promise<boolean>,
): Promise<LockOutcome | { readonly kind: "unavailable" }> {
  const { store, runtime, config, key, debug } = context;
  const directory = store.lockDirectory;
  // No trustworthy directory for locks (already reported): refresh without single flight.
  if (directory === undefined) return { kind: "unavailable" };
  const path = keyFiles(directory, key).lock;
  try {
    const { acquireLock } = await import("../io/lock.js");
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
    // The lock only saves duplicate plugin runs; without it the credential is still served. A cache
    // directory that cannot be written to (full, read-only, not ours to write) fails the store's own
    // write too, which says so: one line for one cause.
    const code = errnoOf(error);
    const message = `refresh lock unavailable: ${errorSummary(error)}; running the plugin without it`;
    if (code !== undefined && UNWRITABLE.has(code)) debug(message);
    else warn(runtime, message);
    // Not "timeout": nobody was waited for, and saying so would send the user after a phantom process.
    return { kind: "unavailable" };
  }
}

async function runAndStore(
  context: RefreshContext,
  serve: (entry: CacheEntry) => number,
  signals: SignalTrap,
): Promise<number> {
  const { request, runtime, debug, config, store, key, execInfo } = context;
  const started = runtime.now();
  const run = await runPlugin(request.command, request.args, runtime.env, {
    onSpawn: (child) => {
      signals.forwardTo(child);
    },
  });
  debug(`plugin exited ${run.exitCode} after ${formatDuration(runtime.now() - started)}`);
  if (run.stopped !== undefined) {
    // Its output is cut short, so kubectl could use none of it: nothing printed, nothing cached.
    throw new PluginError(
      "PLUGIN_FAILED",
      `credential plugin ${JSON.stringify(request.command)} ${describePluginStop(run.stopped)}; nothing was cached`,
    );
  }
  if (run.exitCode !== 0) {
    // kubectl ignores stdout on failure; pass it on anyway so it sees exactly what the plugin did.
    runtime.stdout(run.stdout);
    return run.exitCode;
  }
  const judged = await judgePluginOutput(run.stdout, execInfo?.apiVersion, config, runtime.now());
  if (judged.kind === "not-cached") {
    runtime.stdout(run.stdout);
    tell(runtime, `the plugin's output was not cached: ${judged.reason}`);
    return 0;
  }
  const { entry } = judged;
  if (judged.keep) {
    debug(`store: until ${new Date(entry.expiresAtMs).toISOString()} (${judged.why})`);
    try {
      // First, so that every line written after the new entry is in place is about the new entry.
      if (store.lockDirectory !== undefined) forgetServed(store.lockDirectory, key);
      await store.put(key, entry, entry.storedAtMs);
    } catch (error) {
      warn(runtime, `credential not cached: ${errorSummary(error)}`);
    }
  } else {
    debug(`not stored: ${judged.why}`);
  }
  return serve(entry);
}
