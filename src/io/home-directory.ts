import type { Env } from "../core/config.js";

/**
 * The user's home directory, as os.homedir() gives it: that reads HOME (USERPROFILE on Windows) first
 * and asks the user database only when the variable is unset or empty. So does this, and loads
 * node:os, which a hit does not otherwise need, only then (docs/startup.md).
 */
export function homeDirectory(env: Env, os: NodeJS.Platform): string {
  const set = env[os === "win32" ? "USERPROFILE" : "HOME"];
  if (set !== undefined && set !== "") return set;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("node:os") as typeof import("node:os")).homedir();
}
