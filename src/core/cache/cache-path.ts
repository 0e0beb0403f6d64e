import type { Env } from "../config.js";
import { separatorOf } from "../path-names.js";

export interface Platform {
  readonly os: NodeJS.Platform;
  readonly homedir: string;
  readonly env: Env;
}

/**
 * The Go original's default: os.UserCacheDir()/kube-credential-cache/cache.json. On Windows that
 * is %LocalAppData% (the Go original's README says %AppData%, but Go's os.UserCacheDir uses LocalAppData,
 * which is also where a machine-local cache belongs), so existing users keep their path.
 */
export function defaultCacheFile({ os, homedir, env }: Platform): string {
  const join = (...parts: string[]): string => parts.join(separatorOf(os));
  switch (os) {
    case "darwin":
      return join(homedir, "Library", "Caches", "kube-credential-cache", "cache.json");
    case "win32": {
      const local = env["LocalAppData"] ?? env["LOCALAPPDATA"];
      // Empty or relative, it would put the cache wherever kubectl happens to run: use the usual place.
      const base =
        local !== undefined && /^([A-Za-z]:[\\/]|[\\/]{2}[^\\/])/.test(local)
          ? local
          : join(homedir, "AppData", "Local");
      return join(base.replace(/[\\/]+$/, ""), "kube-credential-cache", "cache.json");
    }
    default: {
      const xdg = env["XDG_CACHE_HOME"];
      // The XDG spec calls a relative XDG_CACHE_HOME invalid (Go errors on it); fall back to ~/.cache.
      const base = xdg !== undefined && xdg.startsWith("/") ? xdg : join(homedir, ".cache");
      return join(base, "kube-credential-cache", "cache.json");
    }
  }
}
