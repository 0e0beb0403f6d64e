import { closeSync, constants, fstatSync, lstatSync, openSync, statSync, type Stats } from "../fs.js";
import { isWindowsNullDevice } from "../../core/cache/cache-location.js";
import type { PathFacts } from "../../core/cache/private-path.js";

/** Where the OS lacks a flag (Windows), 0 leaves it out. */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
/** Never follow a final symlink, and never block on a FIFO someone put in a file's place. */
export const NO_FOLLOW_READ = constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
/** Appending, created 0600 by the caller: one line per write, never through a link or into a FIFO. */
export const NO_FOLLOW_APPEND =
  constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | O_NOFOLLOW | O_NONBLOCK;
/** What is at `path` itself (a link is reported as a link). Nothing is opened: opening a device can act. */
export function inspectEntry(path: string): PathFacts {
  if (process.platform === "win32" && isWindowsNullDevice(path)) return { kind: "null-device" };
  try {
    // Missing is the common answer (a keyring user's cache file): undefined, not a thrown error.
    const stats = lstatSync(path, { throwIfNoEntry: false });
    return stats === undefined ? { kind: "missing" } : factsOf(stats);
  } catch (error) {
    return factsOfError(error);
  }
}

/** A directory, following links (a symlinked ~/.cache is common and harmless: its target is judged). */
export function inspectDirectory(path: string): PathFacts {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats === undefined ? { kind: "missing" } : factsOf(stats);
  } catch (error) {
    return factsOfError(error);
  }
}

/** `fd` is open (the caller closes it) only when `facts` says a regular file. */
export interface OpenedFile {
  readonly fd: number | undefined;
  readonly facts: PathFacts;
}

/**
 * Opens a regular file for reading without following a link or blocking on a FIFO, and says what it
 * is from the open descriptor, so that what is judged is what is read. Anything else is not opened
 * (or is closed again) and only described.
 */
export function openRegularFile(path: string): OpenedFile {
  const before = inspectEntry(path);
  if (before.kind !== "file") return { fd: undefined, facts: before };
  let fd: number;
  try {
    fd = openSync(path, NO_FOLLOW_READ);
  } catch (error) {
    return { fd: undefined, facts: factsOfError(error) };
  }
  const facts = factsOf(fstatSync(fd));
  if (facts.kind === "file") return { fd, facts };
  closeSync(fd);
  return { fd: undefined, facts };
}

function factsOf(stats: Stats): PathFacts {
  if (stats.isFile()) return { kind: "file", uid: stats.uid, mode: stats.mode };
  if (stats.isDirectory()) return { kind: "directory", uid: stats.uid, mode: stats.mode };
  if (stats.isSymbolicLink()) return { kind: "symlink" };
  if (stats.isCharacterDevice() && isNullDevice(stats)) return { kind: "null-device" };
  if (stats.isFIFO()) return { kind: "special", what: "FIFO" };
  if (stats.isSocket()) return { kind: "special", what: "socket" };
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return { kind: "special", what: "device" };
  return { kind: "special", what: "special file" };
}

function factsOfError(error: unknown): PathFacts {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  if (code === "ENOENT") return { kind: "missing" };
  // O_NOFOLLOW on a link: ELOOP on Linux and macOS, EMLINK on FreeBSD.
  if (code === "ELOOP" || code === "EMLINK") return { kind: "symlink" };
  return { kind: "unreachable", code };
}

/** The null device, wherever its node is: the same device number as /dev/null. */
function isNullDevice(stats: Stats): boolean {
  try {
    return stats.rdev === statSync("/dev/null").rdev;
  } catch {
    return false;
  }
}
