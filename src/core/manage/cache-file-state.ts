/**
 * The cache file as --list, --status and --clear see it: what the file store judged when it read
 * it (the same rules a hit applies), reduced to what the reports need. Never an entry's credential.
 */
type CacheFileStateKind = "missing" | "ok" | "broken" | "untrusted" | "newer" | "off";

export interface CacheFileState {
  readonly path: string;
  readonly state: CacheFileStateKind;
  /** Why the file is broken, untrusted, newer or off; undefined when it is missing or ok. */
  readonly why: string | undefined;
  /** The keys of its entries (none when untrusted, newer or off: such a file is never read). */
  readonly keys: readonly string[];
  /** Temporary copies a killed writer left beside it (they hold tokens). */
  readonly leftovers: number;
}

/**
 * Neither read nor changed: caching is off, someone else could have planted what is there, or a
 * later kcc-cache wrote it.
 */
export function isUntouchable(file: CacheFileState): boolean {
  return file.state === "untrusted" || file.state === "newer" || file.state === "off";
}
