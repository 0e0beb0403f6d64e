import { GO_ORIGINAL, type CacheDocument, type DocumentRead } from "./cache-document.js";
import { ENV } from "../config.js";
import { defaultCacheFile, type Platform } from "./cache-path.js";
import { ConfigError } from "../errors.js";
import { childPath, parentPath } from "../path-names.js";

/**
 * Where the cache lives: the cache file, and beside it the refresh locks (and the keyring index). A
 * relative KUBE_CREDENTIAL_CACHE_FILE is refused: kubectl runs plugins from whatever directory the user
 * is in, so the cache and its locks would land in a different place on every call.
 */
export interface CacheLocation {
  readonly file: string;
  readonly directory: string;
  readonly locks: string;
  /** How messages name the file: the variable when the user set it, so they know what to change. */
  readonly name: string;
  /**
   * The default path: a file named cache.json in a directory named after kcc-cache. Whatever that file
   * holds (the Go original's format, a damaged copy of ours) is provably a kube-credential-cache file;
   * at a path the user chose, only our own format is (docs/cache-location.md).
   */
  readonly isDefault: boolean;
  /**
   * The directory is named after kcc-cache (the default's always is): kcc-cache may tighten it when the
   * user owns it. A directory the user pointed the variable into is theirs to set.
   */
  readonly dedicatedDirectory: boolean;
}

/** The name of a directory kcc-cache made for itself. */
const DEDICATED = "kube-credential-cache";

export function resolveCacheLocation(setting: string | undefined, platform: Platform): CacheLocation {
  const fallback = defaultCacheFile(platform);
  // NUL is the one relative name that means the same file from every directory.
  const nullDevice = platform.os === "win32" && setting !== undefined && isWindowsNullDevice(setting);
  if (setting !== undefined && !nullDevice && !isAbsolutePath(setting, platform.os)) {
    throw new ConfigError(
      `${ENV.file}=${JSON.stringify(setting)} must be an absolute path (kubectl runs kcc-cache from any directory; a ~ is not expanded)`,
    );
  }
  const file = setting ?? fallback;
  const directory = parentPath(file, platform.os);
  return {
    file,
    directory,
    locks: childPath(directory, "locks", platform.os),
    name: setting === undefined ? `the cache file ${file}` : `${ENV.file}=${JSON.stringify(setting)}`,
    isDefault: file === fallback,
    // String operations, no regular expression: this runs on every hit (docs/startup.md).
    dedicatedDirectory:
      directory === DEDICATED || directory.endsWith(`/${DEDICATED}`) || directory.endsWith(`\\${DEDICATED}`),
  };
}

export function isAbsolutePath(path: string, os: NodeJS.Platform): boolean {
  if (os !== "win32") return path.startsWith("/");
  return /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\") || path.startsWith("//");
}

/**
 * Windows' null device has no inode to recognise it by, only its names: NUL in any case, with an
 * optional colon, or through the device namespace (\\.\NUL, \\?\NUL).
 */
export function isWindowsNullDevice(path: string): boolean {
  return /^(\\\\[.?]\\)?nul:?$/i.test(path);
}

export type ContentVerdict =
  | { readonly kind: "use"; readonly document: CacheDocument; readonly warning?: string }
  | { readonly kind: "refuse"; readonly why: string }
  /** A later kcc-cache's file, wherever it is: left alone, and the credential served uncached. */
  | { readonly kind: "newer"; readonly why: string };

/**
 * What kcc-cache may do with the text it found at the cache path. At the default path everything is
 * a kube-credential-cache file (the Go original's is read as empty and replaced, a damaged one is
 * rebuilt); elsewhere only our own format is, even damaged, and anything else is the user's data.
 * A file in a later format of ours is neither read nor replaced (docs/cache-format.md).
 */
export function judgeCacheContent(read: DocumentRead, location: CacheLocation): ContentVerdict {
  switch (read.state) {
    case "ok":
      return { kind: "use", document: read.document };
    case "broken":
      return read.ours || location.isDefault
        ? {
            kind: "use",
            document: read.document,
            warning: `cache file ${location.file} is broken (${read.why}); it will be rebuilt`,
          }
        : { kind: "refuse", why: "holds something that is not a kcc-cache file" };
    case "newer":
      return {
        kind: "newer",
        why: `cache file ${location.file} is in a newer kcc-cache's format (${read.format}); this version leaves it alone`,
      };
    case "foreign":
      if (!location.isDefault) return { kind: "refuse", why: `holds ${read.what}` };
      return read.what === GO_ORIGINAL
        ? { kind: "use", document: read.document }
        : {
            kind: "use",
            document: read.document,
            warning: `cache file ${location.file} holds ${read.what}; it will be rebuilt`,
          };
  }
}

/** The one-line error for a cache path kcc-cache must not touch. */
export function refusalMessage(location: CacheLocation, why: string): string {
  return `${location.name} ${why}; kcc-cache changed nothing there (point ${ENV.file} at a file of its own, or remove what is there)`;
}
