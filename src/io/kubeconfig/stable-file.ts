import { lstatSync, readlinkSync, realpathSync, statfsSync, type Stats } from "../fs.js";
import { join, resolve } from "node:path";
import type { PathFacts } from "../../core/cache/private-path.js";
import { describeErrno } from "../../core/system-error.js";
import { openRegularFile } from "../cache-file/private-path.js";

/** Where a path leads: a regular file, open for reading (the caller closes `fd`), or why it is refused. */
export type StableFile =
  | { readonly kind: "file"; readonly target: string; readonly fd: number }
  | { readonly kind: "refused"; readonly why: string };

/** statfs's type for procfs (linux/magic.h PROC_SUPER_MAGIC). */
const PROCFS = 0x9fa0;
/** The kernel's own limit on the links followed in one lookup (MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * Opens the regular file a path leads to, symlinks followed one by one as the kernel follows them. A
 * path that passes through procfs is refused: /proc/self, /proc/<pid>/fd/N (and /dev/stdin, /dev/fd/N,
 * which lead there) name whatever a process has open, so `kcc-injector -i /dev/stdin < config` would
 * rewrite the file stdin came from. So is anything but a regular file (a device, a FIFO, a socket),
 * judged on the open descriptor, without blocking on a FIFO.
 */
export function openStableFile(path: string): StableFile {
  try {
    const followed = process.platform === "win32" ? { target: realpathSync(path) } : followLinks(path);
    if ("procfs" in followed) {
      return {
        kind: "refused",
        why: `it leads into ${followed.procfs} (procfs), where a name stands for whatever a process has open; name the file itself`,
      };
    }
    const { target } = followed;
    const opened = openRegularFile(target);
    return opened.fd === undefined
      ? { kind: "refused", why: describeFacts(opened.facts) }
      : { kind: "file", target, fd: opened.fd };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;
    return { kind: "refused", why: describeErrno(code) };
  }
}

/** The path with every link resolved, or the first entry on procfs it passes through. */
function followLinks(path: string): { target: string } | { procfs: string } {
  const onProcfs = procfsDevices();
  const pending = resolve(path).split("/");
  let resolved = "/";
  let links = 0;
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (name === "" || name === ".") continue;
    if (name === "..") {
      resolved = join(resolved, "..");
      continue;
    }
    const next = join(resolved, name);
    const stats = lstatSync(next);
    // A link lives on its directory's file system; anything else is measured where it is.
    if (onProcfs(stats, stats.isSymbolicLink() ? resolved : next)) return { procfs: next };
    if (!stats.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    links += 1;
    if (links > MAX_LINKS) throw Object.assign(new Error("too many links"), { code: "ELOOP" });
    const link = readlinkSync(next);
    if (link.startsWith("/")) resolved = "/";
    pending.unshift(...link.split("/"));
  }
  return { target: resolved };
}

/** Whether an entry is on procfs, asking the file system once per device. */
function procfsDevices(): (stats: Stats, path: string) => boolean {
  const known = new Map<number, boolean>();
  return (stats, path) => {
    let procfs = known.get(stats.dev);
    if (procfs === undefined) {
      procfs = statfsSync(path).type === PROCFS;
      known.set(stats.dev, procfs);
    }
    return procfs;
  };
}

/** Why what the path led to is not a regular file. */
function describeFacts(facts: PathFacts): string {
  switch (facts.kind) {
    case "file":
      return "it changed while being opened";
    case "directory":
      return describeErrno("EISDIR");
    case "missing":
      return describeErrno("ENOENT");
    case "unreachable":
      return describeErrno(facts.code);
    case "null-device":
      return "it is the null device, not a regular file";
    case "special":
      return `it is a ${facts.what}, not a regular file`;
    case "symlink":
      return "it was replaced by a symbolic link while being opened";
  }
}
