/**
 * When a lock file may be broken. Pure: what the waiter observed is passed in.
 *
 * A holder touches its lock file's mtime every HEARTBEAT_MS while it holds the lock, so the age of
 * the mtime works as a liveness signal on every platform, whatever the holder's PID says (PIDs are
 * reused, and outside Linux the start time that tells a reused PID apart is unknown). PID plus start
 * time stays the fast path: a holder killed with SIGKILL on Linux is known gone at once.
 */
export const HEARTBEAT_MS = 1_000;

/** Ten missed heartbeats: the holder is stopped, hung, or was an older kcc-cache that never beat. */
export const STALE_AFTER_MS = 10_000;

/**
 * Locks are published with their content, so an empty or garbled one was left by an older
 * kcc-cache (which created the file first and wrote it a moment later) or by a damaged disk.
 */
export const UNNAMED_STALE_AFTER_MS = 2_000;

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
  /** Now minus the lock file's mtime (its last heartbeat); negative when the mtime is in the future. */
  readonly ageMs: number;
}

export interface LockVerdict {
  readonly stale: boolean;
  readonly why: string;
}

export function judgeLock(sighting: LockSighting): LockVerdict {
  const { holder, pidAlive, startTime, ageMs } = sighting;
  const age = `${(ageMs / 1000).toFixed(1)}s`;
  // A clock set back (or a foreign clock on a network file system) must not make a lock unbreakable.
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
