import { describeErrno } from "../system-error.js";

/**
 * Whether a path on disk may hold, or lead to, this user's credentials (docs/cache-location.md).
 * kcc-cache creates, tightens and replaces only what is provably its own; it refuses what another
 * user owns or can write, as ssh does for its keys, because such a file could have been planted.
 * Pure: the edge gathers the facts (src/io/cache-file/private-path.ts).
 */
export type PathFacts =
  | { readonly kind: "missing" }
  /** A parent is not a directory, or cannot be searched: nothing can be created below it. */
  | { readonly kind: "unreachable"; readonly code: string }
  | { readonly kind: "symlink" }
  | { readonly kind: "null-device" }
  | { readonly kind: "special"; readonly what: string }
  | { readonly kind: "directory" | "file"; readonly uid: number; readonly mode: number };

export type PathVerdict =
  /** Nothing there: kcc-cache may create it. */
  | { readonly kind: "absent" }
  /** Ours: use it, first removing group/other permission bits when `tighten`. */
  | { readonly kind: "use"; readonly tighten: boolean }
  /** The null device: the user turned the cache off. */
  | { readonly kind: "off" }
  /** Not trustworthy now: one warning line, and the credential is served uncached. */
  | { readonly kind: "distrust"; readonly why: string }
  /** Not a cache at all: a configuration error; nothing on disk is touched. */
  | { readonly kind: "refuse"; readonly why: string };

const WRITABLE_BY_OTHERS = 0o022;
const OPEN_TO_OTHERS = 0o077;

/**
 * `me` is the current uid, or undefined where the OS has none (Windows): there, ownership and modes
 * are the file system's ACLs, and nothing here applies.
 */
export function judgeCacheFile(facts: PathFacts, me: number | undefined): PathVerdict {
  switch (facts.kind) {
    case "missing":
      return { kind: "absent" };
    case "unreachable":
      return { kind: "distrust", why: `cannot be reached: ${describeErrno(facts.code)}` };
    case "null-device":
      return { kind: "off" };
    case "symlink":
      return { kind: "refuse", why: "is a symbolic link (kcc-cache never follows links to its cache)" };
    case "special":
      return { kind: "refuse", why: `is a ${facts.what}, not a cache file` };
    case "directory":
      return { kind: "refuse", why: "is a directory, not a cache file" };
    case "file":
      if (me === undefined) return { kind: "use", tighten: false };
      if (facts.uid !== me) return { kind: "distrust", why: `is owned by another user (uid ${facts.uid})` };
      if ((facts.mode & WRITABLE_BY_OTHERS) !== 0)
        return { kind: "distrust", why: `can be written by other users (mode ${octal(facts.mode)})` };
      return { kind: "use", tighten: (facts.mode & OPEN_TO_OTHERS) !== 0 };
  }
}

/**
 * A directory kcc-cache keeps files in. Root may own it (system directories are root's); anyone else
 * could plant files there. `dedicated`: a directory named after kcc-cache, which it may tighten when
 * the user owns it; a directory the user pointed KUBE_CREDENTIAL_CACHE_FILE into is theirs to set.
 */
export function judgeDirectory(facts: PathFacts, me: number | undefined, dedicated: boolean): PathVerdict {
  switch (facts.kind) {
    case "missing":
      return { kind: "absent" };
    case "unreachable":
      return { kind: "distrust", why: `cannot be created: ${describeErrno(facts.code)}` };
    case "directory": {
      if (me === undefined) return { kind: "use", tighten: false };
      if (facts.uid !== me && facts.uid !== 0)
        return { kind: "distrust", why: `is owned by another user (uid ${facts.uid})` };
      const open = (facts.mode & OPEN_TO_OTHERS) !== 0;
      if (dedicated && facts.uid === me) return { kind: "use", tighten: open };
      if ((facts.mode & WRITABLE_BY_OTHERS) !== 0)
        return { kind: "distrust", why: `can be written by other users (mode ${octal(facts.mode)})` };
      return { kind: "use", tighten: false };
    }
    case "symlink":
    case "null-device":
    case "special":
    case "file":
      return { kind: "distrust", why: "is not a directory" };
  }
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;
}
