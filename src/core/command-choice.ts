import type { Program } from "./report-line.js";

/**
 * Which command the standalone binary is. One executable per platform is both commands, as busybox
 * is many: it is the command it was started as (its name through a link, a copy or a hard link:
 * `kcc-cache`, `kcc-injector.exe`, `kcc-cache-linux-x64`), and under any other name (the release's
 * `kube-credential-cache`, a Scoop shim that runs the one .exe) its first argument names the command.
 * docs/install-channels.md says which channel gives which names.
 */
export type CommandChoice =
  | { readonly kind: "command"; readonly command: Program; readonly args: readonly string[] }
  | { readonly kind: "usage"; readonly message: string };

const COMMANDS: readonly Program[] = ["kcc-cache", "kcc-injector"];

/** `invokedAs` is the name the process was started under (argv[0]): a path, possibly Windows'. */
export function chooseCommand(invokedAs: string, args: readonly string[]): CommandChoice {
  // String operations, no regular expression: compiling one costs a hit's start (docs/startup.md).
  const base = invokedAs
    .slice(Math.max(invokedAs.lastIndexOf("/"), invokedAs.lastIndexOf("\\")) + 1)
    .toLowerCase();
  const name = base.endsWith(".exe") ? base.slice(0, -".exe".length) : base;
  // Loops, not Array.prototype.find: each of JavaScriptCore's array builtins is compiled from its
  // source on first use, and a hit uses none (docs/startup.md, "Builtins a hit compiles").
  for (const command of COMMANDS)
    if (name === command || name.startsWith(`${command}-`)) return { kind: "command", command, args };
  const [first, ...rest] = args;
  for (const command of COMMANDS) if (command === first) return { kind: "command", command, args: rest };
  return {
    kind: "usage",
    message: `run me as kcc-cache or kcc-injector (a link of that name), or name the command first: ${name || "kube-credential-cache"} kcc-cache <plugin> [args…] | ${name || "kube-credential-cache"} kcc-injector [options]`,
  };
}
