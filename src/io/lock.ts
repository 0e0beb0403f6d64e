import { closeSync, constants, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { currentProcess, isAlive, type ProcessIdentity } from "./process-identity.js";

export type LockOutcome =
  | { readonly kind: "acquired"; readonly release: () => void }
  | { readonly kind: "satisfied" }
  | { readonly kind: "timeout"; readonly holder: ProcessIdentity | undefined };

export interface LockOptions {
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly now: () => number;
  /** Checked between attempts: true when what the lock guards is no longer needed (another holder did it). */
  readonly isSatisfied: () => Promise<boolean>;
}

// A holder writes its identity right after creating the file; an empty lock older than this lost its holder mid-way.
const EMPTY_LOCK_GRACE_MS = 5_000;

/**
 * An advisory lock file created with O_EXCL, holding the holder's PID and start time. A lock whose
 * holder is gone (killed with -9, machine rebooted) is broken and taken over. Waiting is bounded:
 * past `timeoutMs` the caller decides what to do without the lock.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<LockOutcome> {
  const deadline = options.now() + options.timeoutMs;
  let holder: ProcessIdentity | undefined;
  for (;;) {
    const release = tryCreate(path);
    if (release !== undefined) return { kind: "acquired", release };
    holder = readHolder(path);
    if (isStale(path, holder)) {
      removeIfUnchanged(path, holder);
      continue;
    }
    if (await options.isSatisfied()) return { kind: "satisfied" };
    if (options.now() >= deadline) return { kind: "timeout", holder };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

function tryCreate(path: string): (() => void) | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  }
  const me = currentProcess();
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return () => {
    // Only remove our own lock: if ours was broken as stale and someone else holds it now, leave theirs.
    const now = readHolder(path);
    if (now?.pid === me.pid && now.start === me.start) unlinkQuietly(path);
  };
}

function readHolder(path: string): ProcessIdentity | undefined {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<ProcessIdentity>;
    if (typeof value.pid !== "number") return undefined;
    return { pid: value.pid, start: typeof value.start === "string" ? value.start : undefined };
  } catch {
    return undefined;
  }
}

function isStale(path: string, holder: ProcessIdentity | undefined): boolean {
  if (holder !== undefined) return !isAlive(holder);
  try {
    return Date.now() - statSync(path).mtimeMs > EMPTY_LOCK_GRACE_MS;
  } catch {
    return false; // Gone already: the next attempt will create it.
  }
}

/**
 * Breaking a stale lock races with other waiters doing the same; re-reading just before unlinking
 * keeps the window to a few microseconds, and losing it costs at most one extra plugin run.
 */
function removeIfUnchanged(path: string, seen: ProcessIdentity | undefined): void {
  const now = readHolder(path);
  if (now?.pid === seen?.pid && now?.start === seen?.start) unlinkQuietly(path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
