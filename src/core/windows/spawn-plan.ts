import type { Env } from "../config.js";
import { batchCommandLine, CMD_SWITCHES, isBatchFile } from "./batch-line.js";
import { isWindowsAbsolute, lookUpWindowsCommand, windowsEnv, type WindowsFiles } from "./command-lookup.js";

/**
 * How to start a plugin on Windows: the file Go would find, run directly (Node quotes each argument
 * for the program's own parser), or, for a batch file, cmd.exe with a line built here and passed
 * verbatim (Node refuses to start a batch file itself since its 2024 fix for the same injection).
 */
export type WindowsSpawnPlan =
  | {
      readonly kind: "spawn";
      readonly file: string;
      readonly args: readonly string[];
      /** The arguments are already quoted for the program: CreateProcess gets them as they are. */
      readonly verbatim: boolean;
    }
  | { readonly kind: "not-found" }
  | { readonly kind: "current-directory"; readonly file: string }
  | { readonly kind: "refused"; readonly why: string };

export function planWindowsSpawn(
  command: string,
  args: readonly string[],
  env: Env,
  files: WindowsFiles,
): WindowsSpawnPlan {
  const found = lookUpWindowsCommand(command, env, files);
  if (found.kind !== "found") return found;
  if (!isBatchFile(found.file)) return { kind: "spawn", file: found.file, args, verbatim: false };
  const batch = batchCommandLine(found.file, args);
  if (!batch.ok) return { kind: "refused", why: batch.why };
  return {
    kind: "spawn",
    file: commandInterpreter(env),
    args: [...CMD_SWITCHES, batch.line],
    verbatim: true,
  };
}

/**
 * The system's own cmd.exe. Not ComSpec: the line above is escaped for cmd.exe's parser, and a
 * replacement shell named there may parse it differently.
 */
function commandInterpreter(env: Env): string {
  const root = windowsEnv(env, "SystemRoot");
  return root !== undefined && isWindowsAbsolute(root)
    ? `${root.replace(/[\\/]+$/, "")}\\System32\\cmd.exe`
    : "cmd.exe";
}
