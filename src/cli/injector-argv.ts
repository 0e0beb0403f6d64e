import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import type { EditRequest } from "../flows/edit-kubeconfig.js";

export type InjectorCommand =
  { readonly kind: "help" } | { readonly kind: "version" } | ({ readonly kind: "edit" } & EditRequest);

/** `kcc-injector [flags] [kubeconfig...]`, the Go original's flags (-i, -r, -c, -h) plus --user, --diff, --version. */
export function parseInjectorArgv(argv: readonly string[]): InjectorCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.map(goFlagValue).flat(),
      allowPositionals: true,
      strict: true,
      options: {
        "in-place": { type: "boolean", short: "i" },
        restore: { type: "boolean", short: "r" },
        command: { type: "string", short: "c" },
        user: { type: "string", multiple: true },
        diff: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split(". ")[0] ?? error.message) : String(error);
    throw new UsageError(`${message} (see kcc-injector -h)`, {
      cause: error,
    });
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };
  const command = values.command ?? "kcc-cache";
  if (command.trim() === "") throw new UsageError("-c needs a command, e.g. -c kcc-cache");
  const users = values.user ?? [];
  if (users.some((name) => name === "")) throw new UsageError("--user needs a user name");
  return {
    kind: "edit",
    mode: values.restore === true ? "restore" : "inject",
    paths: positionals,
    inPlace: values["in-place"] === true,
    diff: values.diff === true,
    injectionCommand: command,
    users,
  };
}

/**
 * Go's flag package, which the original's users learned the flags from, also takes `-c=CMD`; Node's
 * parser would read that as the value "=CMD". (Only until `--`: past it every word is a path.)
 */
function goFlagValue(arg: string, at: number, argv: readonly string[]): string[] {
  const match = /^-c=(.*)$/s.exec(arg);
  return match !== null && !argv.slice(0, at).includes("--") ? ["-c", match[1] ?? ""] : [arg];
}
