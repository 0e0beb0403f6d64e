import { STALE_AFTER_MS } from "./lock-staleness.js";

/**
 * How a waiter paces itself on a held lock, and how long a write waits for the cache file's lock.
 * Pure: the random draw is passed in.
 */

/** The first pause after finding a lock held, and the longest any later one grows to. */
export interface PollPacing {
  readonly firstMs: number;
  readonly capMs: number;
}

/**
 * The pause before the next look at a held lock, after `attempt` looks (0 for the first pause):
 * doubling from `firstMs` up to `capMs`, drawn anywhere between `firstMs` and that ceiling
 * (`random` in [0, 1)). A hundred waiters polling at one fixed short period take the CPU from the
 * holder they wait for, and wake in step; growing, spread pauses leave it to the holder
 * (docs/locks.md).
 */
export function pollDelayMs(attempt: number, pacing: PollPacing, random: number): number {
  const { firstMs, capMs } = pacing;
  const ceiling = Math.max(firstMs, Math.min(capMs, firstMs * 2 ** Math.min(attempt, 30)));
  return firstMs + Math.floor(random * (ceiling - firstMs));
}

/**
 * How long a write waits for the cache file's lock. The lock is held for the milliseconds of one
 * read-modify-write, but when a CI job fans out, a hundred writers queue for it, so the wait is as
 * long as a refresh's for its key (KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT), and never shorter than
 * twice the time an abandoned lock takes to be broken: a writer that gave up sooner would lose its
 * entry to a lock nobody holds.
 */
export function cacheFileLockWaitMs(lockTimeoutMs: number): number {
  return Math.max(lockTimeoutMs, 2 * STALE_AFTER_MS);
}
