/**
 * When a lock file may be broken. Pure: what the waiter observed is passed in.
 *
 * A holder refreshes its lock file's mtime every HEARTBEAT_MS while it holds the lock, so the age of
 * the mtime works as a liveness signal on every platform, whatever the holder's PID says (PIDs are
 * reused, and outside Linux the start time that tells a reused PID apart is unknown). PID plus start
 * time stays the fast path: a holder killed with SIGKILL on Linux is known gone at once.
 *
 * The age is read on one clock only, the file system's: the mtime of a file the waiter has just
 * written beside the lock, against the lock's. The process clock is no input here, because it may
 * disagree with the file system's by any amount (a network home directory whose server clock is
 * off, libfaketime) and a lock judged across the two looks dead or immortal (docs/locks.md).
 */
export const HEARTBEAT_MS = 1_000;

/** Ten missed heartbeats: the holder is stopped, hung, or was an older kcc-cache that never beat. */
export const STALE_AFTER_MS = 10_000;

/**
 * Locks are published with their content, so an empty or garbled one was left by an older
 * kcc-cache (which created the file first and wrote it a moment later) or by a damaged disk.
 */
export const UNNAMED_STALE_AFTER_MS = 2_000;

/** A publication (a lock's private temp file) lives for microseconds; one this old is abandoned. */
export const ABANDONED_AFTER_MS = 60_000;

export interface LockSighting {
  /**
   * Whether the lock file named its holder: "unnamed" when empty or garbled, "hidden" when it is
   * another user's and cannot be read (its mtime still shows whether its holder is alive).
   */
  readonly holder: "named" | "unnamed" | "hidden";
  /** Whether a process with the holder's PID exists (ignored unless named). */
  readonly pidAlive: boolean;
  /** The holder's recorded start time against that PID's current one. */
  readonly startTime: "matches" | "differs" | "unknown";
  /** The lock file's mtime (its last heartbeat), by the file system's clock. */
  readonly mtimeMs: number;
  /** The file system's clock now: the mtime of a file the waiter has just written beside the lock. */
  readonly fsNowMs: number;
}

export interface LockVerdict {
  readonly stale: boolean;
  readonly why: string;
}

export function judgeLock(sighting: LockSighting): LockVerdict {
  const { holder, pidAlive, startTime } = sighting;
  const ageMs = sighting.fsNowMs - sighting.mtimeMs;
  const age = seconds(ageMs);
  // Both times are the file system's, so a future mtime means its clock was set back: it must not
  // make a lock unbreakable.
  if (ageMs < -STALE_AFTER_MS) return { stale: true, why: `its mtime is ${age} in the future` };
  if (ageMs > STALE_AFTER_MS) return { stale: true, why: `no heartbeat for ${age}` };
  if (holder === "hidden") return { stale: false, why: `another user holds it (heartbeat ${age} ago)` };
  if (holder === "unnamed") {
    return ageMs > UNNAMED_STALE_AFTER_MS
      ? { stale: true, why: `it names no holder and is ${age} old` }
      : { stale: false, why: `it names no holder yet (${age} old)` };
  }
  if (!pidAlive) return { stale: true, why: "its holder has exited" };
  if (startTime === "differs") return { stale: true, why: "its holder has exited (PID reused)" };
  return { stale: false, why: `its holder is alive (heartbeat ${age} ago)` };
}

/**
 * Whether a lock's private temp file, left by a writer killed while publishing, may be removed: its
 * writer is gone, or it is older than any publication takes (a reused PID). Its age is read on the
 * file system's clock, as a lock's is.
 */
export function isAbandonedPublication(writerAlive: boolean, mtimeMs: number, fsNowMs: number): boolean {
  return !writerAlive || fsNowMs - mtimeMs > ABANDONED_AFTER_MS;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
