import { servedLine, type CallerIdentity } from "./caller-identity.js";
import type { CacheConfig } from "../config.js";
import type { CacheEntry } from "./cache-entry.js";
import { formatDuration } from "../duration.js";
import { isExpired } from "./freshness.js";

/**
 * What kcc-cache does with a request, decided from facts alone (docs/serve-decision.md has the
 * timeline). A credential is served until its refresh margin; in the background-refresh window just
 * before that margin it is served and one background refresh starts; a fresh credential asked for
 * again by the very process it was just given to was rejected by the API server.
 *
 * Why that last rule holds: client-go runs the plugin once per process, and runs it again in the same
 * process only after a 401 or once the credential has expired. So the same kubectl asking again for a
 * credential that is still fresh means the server refused it; serving it again would lock the user out
 * until it expires.
 */
export type ServeDecision =
  /** Serve the entry. `servedForMs`: how long it stays servable; `refreshInMs`: until its background window (absent when off). */
  | {
      readonly kind: "hit";
      readonly servedForMs: number;
      readonly refreshInMs?: number;
      /** Inside the window, but the last background refresh failed this long ago: the next waits. */
      readonly retryInMs?: number;
    }
  /** Serve the entry now and start one background refresh: it is inside the window. */
  | { readonly kind: "hit-and-refresh"; readonly servedForMs: number }
  /** Never serve this entry again: run the plugin in the foreground. */
  | { readonly kind: "rejected"; readonly pid: number; readonly servedForMs: number }
  | { readonly kind: "miss"; readonly reason: "no-entry" | "within-margin" | "expired" }
  /**
   * Inside the background window: the decision needs to know when the last background refresh failed
   * (a marker beside the key's lock), which is read only here, so that a plain hit reads nothing more.
   */
  | { readonly kind: "check-background" };

/** When the key's last background refresh failed; `failedAtMs` undefined when none has. */
export interface BackgroundFacts {
  readonly failedAtMs: number | undefined;
}

export type ServePolicy = Pick<CacheConfig, "refreshMarginMs" | "backgroundRefreshMs" | "selfHeal">;

/** What the edges could tell about who is asking; `undefined` as a whole when nobody is tracked. */
export interface CallerFacts {
  /** The process that ran kcc-cache (kubectl); undefined where the OS does not tell cheaply. */
  readonly current: CallerIdentity | undefined;
  /** The key's served log (lines of `servedLine`) as read beside the cache; undefined when there is none. */
  readonly servedLog: string | undefined;
}

/**
 * Whether the caller is worth tracking at all: only when client-go is asking (its own encoding of
 * KUBERNETES_EXEC_INFO, isClientGoExecInfo). client-go shares one credential across a process and
 * asks again only after a 401 or expiry; the Python client asks once per API client it builds,
 * client-node and scripts whenever they like, none of it a rejection (docs/serve-decision.md). Asked
 * before the facts are read, so that a call that cannot be a rejection reads no process table and
 * writes no marker.
 */
export function tracksCaller(policy: Pick<ServePolicy, "selfHeal">, fromClientGo: boolean): boolean {
  return policy.selfHeal && fromClientGo;
}

export function decideServe(
  entry: Pick<CacheEntry, "expiresAtMs" | "storedAtMs"> | undefined,
  nowMs: number,
  policy: ServePolicy,
  caller: CallerFacts | undefined,
  background?: BackgroundFacts,
): ServeDecision {
  if (entry === undefined) return { kind: "miss", reason: "no-entry" };
  const servedForMs = entry.expiresAtMs - policy.refreshMarginMs - nowMs;
  if (servedForMs <= 0)
    return { kind: "miss", reason: isExpired(entry.expiresAtMs, nowMs) ? "expired" : "within-margin" };
  const current = caller?.current;
  if (policy.selfHeal && current !== undefined && wasServed(caller?.servedLog, current, entry.storedAtMs)) {
    return { kind: "rejected", pid: current.pid, servedForMs };
  }
  if (policy.backgroundRefreshMs <= 0) return { kind: "hit", servedForMs };
  // At most half the entry's servable life: a credential living less than margin + window would
  // otherwise start a background refresh on every call from the moment it was stored.
  const windowMs = Math.min(
    policy.backgroundRefreshMs,
    (entry.expiresAtMs - policy.refreshMarginMs - entry.storedAtMs) / 2,
  );
  // The window includes its first instant: `servedForMs === windowMs` refreshes.
  if (servedForMs <= windowMs) {
    if (background === undefined) return { kind: "check-background" };
    const retryInMs = backgroundRetryInMs(background.failedAtMs, nowMs);
    return retryInMs > 0 ? { kind: "hit", servedForMs, retryInMs } : { kind: "hit-and-refresh", servedForMs };
  }
  return { kind: "hit", servedForMs, refreshInMs: servedForMs - windowMs };
}

/**
 * After a background refresh fails, hits wait this long before starting another. A plugin that fails
 * without a terminal (an MFA prompt, an expired SSO session) fails again the same way: without a pause
 * every hit in the window would run it, every few seconds under a watch loop. A minute allows five
 * attempts in the default 5-minute window, and the foreground refresh at the margin runs it anyway.
 */
export const BACKGROUND_RETRY_AFTER_MS = 60_000;

/** How long until a background refresh may start again after one failed at `failedAtMs`; 0: now. */
export function backgroundRetryInMs(failedAtMs: number | undefined, nowMs: number): number {
  // A failure dated in the future means the clock was set back: its age is unknown, so do not wait.
  if (failedAtMs === undefined || failedAtMs > nowMs) return 0;
  return Math.max(0, BACKGROUND_RETRY_AFTER_MS - (nowMs - failedAtMs));
}

/** One debug line: the decision's kind, then why, in words and durations (never a credential). */
export function describeServeDecision(decision: ServeDecision, policy: ServePolicy): string {
  switch (decision.kind) {
    case "hit":
      return (
        `hit: served for ${formatDuration(decision.servedForMs)} more` +
        (decision.retryInMs !== undefined
          ? `; no background refresh: the last one failed, next attempt in ${formatDuration(decision.retryInMs)}`
          : decision.refreshInMs === undefined
            ? " (background refresh off)"
            : `; background refresh due in ${formatDuration(decision.refreshInMs)}`)
      );
    case "check-background":
      return "inside the background-refresh window: reading when the last background refresh failed";
    case "hit-and-refresh":
      return (
        `hit-and-refresh: served for ${formatDuration(decision.servedForMs)} more, inside the ` +
        `${formatDuration(policy.backgroundRefreshMs)} background-refresh window: background refresh due`
      );
    case "rejected":
      return (
        `rejected: the same process (pid ${decision.pid}) asked again while its credential is valid, ` +
        "which client-go does after a 401; refreshing"
      );
    case "miss":
      switch (decision.reason) {
        case "no-entry":
          return "miss: no entry";
        case "expired":
          return "miss: the entry has expired";
        case "within-margin":
          return `miss: the entry expires within the ${formatDuration(policy.refreshMarginMs)} refresh margin`;
      }
  }
}

/**
 * This very process (PID, start time, executable) was given this very entry. A caller given an older
 * entry asking again is served the newer one: another kcc-cache has already replaced what was
 * rejected. A torn line (a crash mid-append) matches nothing, which only costs one detection.
 */
function wasServed(log: string | undefined, caller: CallerIdentity, storedAtMs: number): boolean {
  if (log === undefined) return false;
  const line = servedLine(caller, storedAtMs);
  return log.startsWith(line) || log.includes(`\n${line}`);
}
