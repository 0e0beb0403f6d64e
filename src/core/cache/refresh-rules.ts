import type { CacheEntry } from "./cache-entry.js";
import type { BackgroundResult } from "./background-refresh.js";
import { isFresh } from "./freshness.js";
import { describePluginStop, type PluginStop } from "../credential/plugin-stop.js";

/**
 * The rules of a refresh (a miss in the foreground, or the detached copy ahead of expiry), each a
 * pure function of its facts: the flows (flows/refresh-credential.ts, flows/run-background-refresh.ts)
 * only gather the facts and carry the answers out. docs/serve-decision.md has the timeline.
 */

/**
 * What running the plugin came to (flows/run-and-store.ts runs it, judges the output and stores it),
 * for the foreground and background refreshes alike.
 */
export type PluginRefresh =
  /** kcc-cache stopped the plugin past a limit: its output is cut short and nothing is used. */
  | { readonly kind: "stopped"; readonly stop: PluginStop }
  /** The plugin failed: its exit code and whatever it printed (kubectl ignores it, but sees it). */
  | { readonly kind: "failed"; readonly exitCode: number; readonly stdout: Uint8Array }
  /** It succeeded, but its output is nothing to keep (kubectl would reject it, or it is not UTF-8). */
  | { readonly kind: "not-cached"; readonly stdout: Uint8Array; readonly reason: string }
  /** A credential, served either way; `stored` says whether the store has it now, and why not. */
  | {
      readonly kind: "credential";
      readonly entry: CacheEntry;
      readonly stored:
        | { readonly kind: "stored" }
        | { readonly kind: "not-kept"; readonly why: string }
        | { readonly kind: "store-failed"; readonly why: string };
      /** Why the entry lives as long as it does (or is not kept). */
      readonly lifetime: string;
    };

/**
 * Whether an entry found after waiting for another kcc-cache's refresh may be served: fresh, and not
 * the credential the API server just rejected nor anything stored before it (the rejected-entry rule
 * of core/cache/serve-decision.ts, applied to what the wait produced).
 */
export function servableAfterWait(
  entry: Pick<CacheEntry, "expiresAtMs" | "storedAtMs"> | undefined,
  nowMs: number,
  refreshMarginMs: number,
  rejected: Pick<CacheEntry, "storedAtMs"> | undefined,
): boolean {
  if (entry === undefined || !isFresh(entry.expiresAtMs, nowMs, refreshMarginMs)) return false;
  return rejected === undefined || entry.storedAtMs > rejected.storedAtMs;
}

/**
 * Errors taking the refresh lock that mean nothing can be written in the cache directory now (full,
 * read-only, not ours to write): the store's own write fails for the same cause and says so, so the
 * lock's failure is only a debug line. Any other failure is a warning of its own.
 */
const UNWRITABLE = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM"]);

export function isQuietLockFailure(errno: string | undefined): boolean {
  return errno !== undefined && UNWRITABLE.has(errno);
}

export interface BackgroundOutcome {
  readonly result: BackgroundResult;
  readonly why: string;
  readonly expires?: string;
}

/**
 * Whether the detached copy still has work: the entry it was started for must still be the one
 * stored. Undefined: go on and run the plugin.
 */
export function backgroundSkip(
  current: Pick<CacheEntry, "storedAtMs"> | undefined,
  seenStoredAtMs: number,
): BackgroundOutcome | undefined {
  if (current === undefined) return { result: "skipped", why: "the entry is gone (cleared or expired)" };
  if (current.storedAtMs !== seenStoredAtMs)
    return { result: "skipped", why: "another kcc-cache refreshed it meanwhile" };
  return undefined;
}

/**
 * The background refresh's log line for what the plugin run came to. Only the exit code of a failed
 * plugin: its stderr went to the null device (docs/background-refresh.md).
 */
export function backgroundOutcome(refresh: PluginRefresh, took: string): BackgroundOutcome {
  switch (refresh.kind) {
    case "stopped":
      return { result: "failed", why: `the plugin ${describePluginStop(refresh.stop)}` };
    case "failed":
      return { result: "failed", why: `the plugin exited ${refresh.exitCode} after ${took}` };
    case "not-cached":
      return { result: "failed", why: `the plugin's output was not cached: ${refresh.reason}` };
    case "credential":
      switch (refresh.stored.kind) {
        case "not-kept":
        case "store-failed":
          return { result: "failed", why: `not stored: ${refresh.stored.why}` };
        case "stored":
          return {
            result: "refreshed",
            why: `the plugin ran in ${took}`,
            expires: new Date(refresh.entry.expiresAtMs).toISOString(),
          };
      }
  }
}
