import { chmodSync } from "../fs.js";
import { refusalMessage, type CacheLocation } from "../../core/cache/cache-location.js";
import { ConfigError } from "../../core/errors.js";
import { judgeCacheFile, judgeDirectory } from "../../core/cache/private-path.js";
import { inspectDirectory, inspectEntry } from "./private-path.js";

export type LocationState =
  | { readonly kind: "ok" }
  /** The null device: the user turned caching off. */
  | { readonly kind: "off"; readonly why: string }
  /** Another user could have planted what is there: nothing is read, written or locked there. */
  | { readonly kind: "distrust"; readonly why: string };

/**
 * Checks the cache path and the directories kcc-cache keeps files in, before any store uses them
 * (docs/cache-location.md). Something that is not a cache at all throws a ConfigError; whether the
 * cache file itself is the user's own is the file store's to judge, as only it reads the file.
 * A few stats: cheap enough for every hit.
 */
export function checkCacheLocation(location: CacheLocation, uid: number | undefined): LocationState {
  const entry = judgeCacheFile(inspectEntry(location.file), uid);
  if (entry.kind === "off")
    return { kind: "off", why: `${location.name} is the null device: caching is off` };
  if (entry.kind === "refuse") throw new ConfigError(refusalMessage(location, entry.why));
  for (const [what, directory] of [
    ["cache directory", location.directory],
    ["lock directory", location.locks],
  ] as const) {
    const verdict = judgeDirectory(inspectDirectory(directory), uid, location.dedicatedDirectory);
    if (verdict.kind === "distrust") return { kind: "distrust", why: `${what} ${directory} ${verdict.why}` };
    // Nothing can exist below a directory that does not.
    if (verdict.kind === "absent") break;
    if (verdict.kind === "use" && verdict.tighten) tightenQuietly(directory);
  }
  return { kind: "ok" };
}

function tightenQuietly(directory: string): void {
  try {
    chmodSync(directory, 0o700);
  } catch {
    // Not ours to change after all: --status shows the modes.
  }
}
