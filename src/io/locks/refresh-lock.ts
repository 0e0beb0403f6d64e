import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  type BigIntStats,
} from "../fs.js";
import { basename, dirname, join } from "node:path";
import { isRecord, parseJson } from "../../core/json.js";
import { writeAll } from "../cache-file/atomic-file.js";
import {
  HEARTBEAT_MS,
  isAbandonedPublication,
  judgeLock,
  type LockSighting,
} from "../../core/cache/lock-staleness.js";
import { pollDelayMs } from "../../core/cache/lock-wait.js";
import {
  compareStartTime,
  currentProcess,
  pidExists,
  type ProcessIdentity,
} from "../processes/process-identity.js";

// With the lock, so that the write path loads its bound in the lock's lazy bundle: a hit loads neither.
export { cacheFileLockWaitMs } from "../../core/cache/lock-wait.js";

export type LockOutcome =
  | { readonly kind: "acquired"; readonly release: () => void }
  | { readonly kind: "satisfied" }
  | { readonly kind: "timeout"; readonly holder: ProcessIdentity | undefined };

export interface LockOptions {
  readonly timeoutMs: number;
  /** The first pause between looks at a held lock; later ones grow, with jitter, up to maxPollMs. */
  readonly pollMs: number;
  /** Default: pollMs, a fixed period. */
  readonly maxPollMs?: number;
  /** The process clock, for the deadline only: a lock's age is read on the file system's clock. */
  readonly now: () => number;
  /** Checked between attempts: true when what the lock guards is no longer needed (another holder did it). */
  readonly isSatisfied: () => Promise<boolean>;
  /** Told why a lock is waited for or broken (KUBE_CREDENTIAL_CACHE_DEBUG). */
  readonly debug?: (message: string) => void;
}

/** What a waiter saw at the lock path: enough to judge it, and to break exactly that file and no newer one. */
interface SeenLock {
  readonly holder: ProcessIdentity | undefined;
  readonly content: LockSighting["holder"];
  readonly stat: BigIntStats;
  readonly text: string;
}

// Every lock this process holds, so that exiting on a signal leaves none behind (see releaseHeldLocks).
const held = new Set<() => void>();

/**
 * An advisory lock file holding the holder's PID and start time, published whole (a private temp
 * file hard-linked to the lock path) so that no waiter ever sees an ownerless lock, and kept alive by
 * a heartbeat on its mtime. A lock whose holder is gone or silent (src/core/cache/lock-staleness.ts) is
 * broken and taken over. Waiting is bounded: past `timeoutMs` the caller decides what to do without
 * the lock. A lock that cannot be written (disk full) throws: nobody would be able to tell it from
 * an abandoned one.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<LockOutcome> {
  const deadline = options.now() + options.timeoutMs;
  const pacing = { firstMs: options.pollMs, capMs: options.maxPollMs ?? options.pollMs };
  let explained = false;
  for (let attempt = 0; ;) {
    const publication = tryPublishFd(path);
    if (publication.kind === "published") {
      removeAbandonedPublications(path, publication.fsNowMs);
      return { kind: "acquired", release: hold(path, publication.fd, publication.content) };
    }
    const seen = readLock(path);
    if (seen === undefined) continue; // Released meanwhile: try again at once.
    const verdict = judgeLock(sight(seen, publication.fsNowMs));
    if (verdict.stale) {
      options.debug?.(`lock ${path}: breaking it, ${verdict.why}`);
      removeIfUnchanged(path, seen);
      continue;
    }
    if (!explained) options.debug?.(`lock ${path}: waiting, ${verdict.why}`);
    explained = true;
    if (await options.isSatisfied()) return { kind: "satisfied" };
    if (options.now() >= deadline) return { kind: "timeout", holder: seen.holder };
    const delay = pollDelayMs(attempt, pacing, Math.random());
    attempt += 1;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * A lock taken without waiting, to be handed to a process this one starts (a background refresh,
 * docs/background-refresh.md). The lock names this process, alive, until `handOff` atomically
 * renames a file naming the new holder into its place; from then on it is the new holder's to keep
 * alive (adoptLock) and release. Waiters therefore never see a lock naming a process that is gone.
 */
export interface LockClaim {
  handOff(holder: ProcessIdentity): void;
  /** Gives the lock up when the hand-off cannot happen (the process could not be started). */
  release(): void;
}

/**
 * The lock at `path` if nobody holds it right now; undefined otherwise (nothing is waited for or broken).
 * It is held for the few milliseconds until `handOff` or `release`, so it has no heartbeat: the hit
 * that claims it is the only thing kubectl is waiting for, and every step here is paid on that wait
 * (docs/background-refresh.md).
 */
export function claimLockNow(path: string): LockClaim | undefined {
  const publication = tryPublishFd(path);
  if (publication.kind === "held") return undefined;
  const { fd } = publication;
  let done = false;
  // Only ours: a lock broken as stale and taken by someone else meanwhile stays theirs.
  const release = (): void => {
    if (done) return;
    done = true;
    const mine = fstatSync(fd);
    const now = statQuietly(path);
    if (now !== undefined && now.dev === BigInt(mine.dev) && now.ino === BigInt(mine.ino))
      unlinkQuietly(path);
    closeSync(fd);
  };
  return {
    release,
    handOff: (holder) => {
      const temp = tempName(path);
      try {
        writeFileSync(temp, JSON.stringify(holder), { flag: "wx", mode: 0o600 });
        renameSync(temp, path);
      } catch (error) {
        unlinkQuietly(temp);
        release();
        throw error;
      }
      // Ours is no longer at the path after the rename.
      done = true;
      closeSync(fd);
    },
  };
}

/**
 * Takes over a lock another process handed to this one (claimLockNow): it must name this process
 * (PID and start time). Adopted, the heartbeat runs until the returned release; otherwise the holder
 * it names instead (the hand-off may still be on its way, or the lock was broken and taken meanwhile).
 */
export function adoptLock(
  path: string,
):
  | { readonly kind: "adopted"; readonly release: () => void }
  | { readonly kind: "not-mine"; readonly holder: ProcessIdentity | undefined } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return { kind: "not-mine", holder: undefined };
  }
  const text = readFileSync(fd, "utf8");
  const holder = parseHolder(text);
  const me = currentProcess();
  if (holder?.pid !== me.pid || holder.start !== me.start) {
    closeSync(fd);
    return { kind: "not-mine", holder };
  }
  return { kind: "adopted", release: hold(path, fd, text) };
}

/** Releases every lock this process holds; for exiting on a signal. */
export function releaseHeldLocks(): void {
  for (const release of [...held]) release();
}

/**
 * A lock published (its open descriptor and content), or held by someone else. Either way, the
 * file system's clock now (`fsNowMs`): the mtime of the file just written beside the lock, which
 * its age is read against (src/core/cache/lock-staleness.ts).
 */
type Publication =
  | { readonly kind: "published"; readonly fd: number; readonly content: string; readonly fsNowMs: number }
  | { readonly kind: "held"; readonly fsNowMs: number };

/** Publishes a lock naming this process, unless someone else holds it. */
function tryPublishFd(path: string): Publication {
  const temp = tempName(path);
  const content = JSON.stringify(currentProcess());
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  let published: number | undefined;
  try {
    try {
      writeAll(fd, content);
    } catch (error) {
      // We cannot write ours (disk full), but a holder's lock still stands: wait for it as usual.
      // Created, the temp file still tells the file system's time.
      if (lstatQuietly(path) !== undefined) return { kind: "held", fsNowMs: fstatSync(fd).mtimeMs };
      throw error;
    }
    const fsNowMs = fstatSync(fd).mtimeMs;
    published = publish(temp, path, fd, content);
    return published === undefined
      ? { kind: "held", fsNowMs }
      : { kind: "published", fd: published, content, fsNowMs };
  } finally {
    // Every path, thrown or not: the temp name is never needed past this point.
    unlinkQuietly(temp);
    if (published !== fd) closeSync(fd);
  }
}

/**
 * A holder killed between creating its private temp file and removing it (kill -9, power loss) leaves
 * `<lock>.<pid>-<hex>.tmp` behind, which nobody else would ever remove. Whoever next holds the lock
 * removes those whose writer is gone, or that are older than any publication takes (a reused PID).
 */
function removeAbandonedPublications(path: string, fsNowMs: number): void {
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^(\d+)-[0-9a-f]+\.tmp$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : "");
    if (match === null) continue;
    const temp = join(dirname(path), name);
    const stat = lstatQuietly(temp);
    if (stat === undefined) continue;
    if (isAbandonedPublication(pidExists(Number(match[1])), Number(stat.mtimeMs), fsNowMs))
      unlinkQuietly(temp);
  }
}

/** The descriptor of the published lock file, or undefined when someone else holds the lock. */
function publish(temp: string, path: string, tempFd: number, content: string): number | undefined {
  try {
    linkSync(temp, path);
    return tempFd;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return undefined;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
  }
  // A file system without hard links: create the lock in place. It is empty for the moment between
  // creating and writing it, which waiters allow for (UNNAMED_STALE_AFTER_MS).
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  }
  try {
    writeAll(fd, content);
    return fd;
  } catch (error) {
    unlinkQuietly(path);
    closeSync(fd);
    throw error;
  }
}

function hold(path: string, fd: number, content: string): () => void {
  const mine = fstatSync(fd, { bigint: true });
  const bytes = Buffer.from(content);
  // The beat rewrites the lock's own content in place, so that the file system stamps the mtime with
  // its clock: a time set from ours would be read against its clock by waiters (lock-staleness.ts).
  // Synced, because a network file system may hold a write back for many seconds. On the descriptor,
  // not the path: if our lock was broken and replaced, the new holder's file must not look alive on
  // our account. Our inode cannot be reused while we keep it open.
  const heartbeat = setInterval(() => {
    try {
      writeSync(fd, bytes, 0, bytes.length, 0);
      fdatasyncSync(fd);
    } catch {
      // A missed beat only brings the stale bound closer.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const release = (): void => {
    if (!held.delete(release)) return;
    clearInterval(heartbeat);
    // Only remove our own lock: if ours was broken as stale and someone else holds it now, leave theirs.
    const now = statQuietly(path);
    if (now !== undefined && now.dev === mine.dev && now.ino === mine.ino) unlinkQuietly(path);
    closeSync(fd);
  };
  held.add(release);
  return release;
}

function readLock(path: string): SeenLock | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "EACCES" && code !== "EPERM") throw error;
    // EACCES: another user's lock in a shared directory, whose heartbeat still shows whether it is
    // held. ENOENT with something there: a dangling symlink, which only ages until it is broken.
    const stat = lstatQuietly(path);
    if (stat === undefined) return undefined;
    return { holder: undefined, content: code === "ENOENT" ? "unnamed" : "hidden", stat, text: "" };
  }
  try {
    const stat = fstatSync(fd, { bigint: true });
    const text = readFileSync(fd, "utf8");
    const holder = parseHolder(text);
    return { holder, content: holder === undefined ? "unnamed" : "named", stat, text };
  } finally {
    closeSync(fd);
  }
}

function parseHolder(text: string): ProcessIdentity | undefined {
  const value = parseJson(text);
  if (!isRecord(value) || typeof value["pid"] !== "number") return undefined;
  return { pid: value["pid"], start: typeof value["start"] === "string" ? value["start"] : undefined };
}

function sight(seen: SeenLock, fsNowMs: number): LockSighting {
  const clocks = { mtimeMs: Number(seen.stat.mtimeMs), fsNowMs };
  if (seen.holder === undefined)
    return { holder: seen.content, pidAlive: false, startTime: "unknown", ...clocks };
  return {
    holder: "named",
    pidAlive: pidExists(seen.holder.pid),
    startTime: compareStartTime(seen.holder),
    ...clocks,
  };
}

/**
 * Breaking a stale lock races with other waiters doing the same, and with the holder's heartbeat;
 * re-reading just before unlinking (same file, same mtime, same content) keeps the window to a few
 * microseconds, and losing it costs at most one extra plugin run.
 */
function removeIfUnchanged(path: string, seen: SeenLock): void {
  const now = readLock(path);
  if (
    now !== undefined &&
    now.stat.dev === seen.stat.dev &&
    now.stat.ino === seen.stat.ino &&
    now.stat.mtimeNs === seen.stat.mtimeNs &&
    now.text === seen.text
  )
    unlinkQuietly(path);
}

function tempName(path: string): string {
  // O_EXCL guards uniqueness; the random part only avoids retries. Not node:crypto: loading it costs a
  // hit that starts a background refresh more than everything else it does (docs/background-refresh.md).
  return `${path}.${process.pid}-${Math.random().toString(16).slice(2, 10)}.tmp`;
}

function statQuietly(path: string): BigIntStats | undefined {
  try {
    return statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

function lstatQuietly(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
