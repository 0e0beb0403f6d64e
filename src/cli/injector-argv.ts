import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import type { EditRequest } from "../flows/edit-kubeconfig.js";
import { missingValue, unknownOption } from "./usage-words.js";

export type InjectorCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  /** The shell as typed: checked where the script is written (command-text.ts). */
  | { readonly kind: "completion"; readonly shell: string }
  | ({ readonly kind: "edit" } & EditRequest);

const EXAMPLE_VALUES: Readonly<Record<string, string>> = {
  "-c": "kcc-cache",
  "--user": "NAME",
  "--completion": "bash",
};

/**
 * `kcc-injector [flags] [kubeconfig...]`, the Go original's flags (-i, -r, -c, -h) plus --user, --diff,
 * --version, --completion.
 */
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
        completion: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (error) {
    throw parseArgsError(error);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };
  if (values.completion !== undefined) return { kind: "completion", shell: values.completion };
  const command = values.command ?? "kcc-cache";
  if (command.trim() === "") throw missingValue("-c", "kcc-cache");
  const users = values.user ?? [];
  if (users.some((name) => name === "")) throw missingValue("--user", "NAME");
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
 * node:util's parseArgs errors in kcc-cache's words (usage-words.ts): its codes are stable, its
 * sentences are not ours. The option it names is the first one quoted in its message.
 */
function parseArgsError(error: unknown): UsageError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^', ]*)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return unknownOption(option, error);
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return /does not take an argument/.test(message)
      ? new UsageError(`${option} takes no value`, { cause: error })
      : missingValue(option, EXAMPLE_VALUES[option] ?? "VALUE");
  }
  return new UsageError(message.split(". ")[0] ?? message, { cause: error });
}

/**
 * Go's flag package, which the original's users learned the flags from, also takes `-c=CMD`; Node's
 * parser would read that as the value "=CMD". (Only until `--`: past it every word is a path.)
 */
function goFlagValue(arg: string, at: number, argv: readonly string[]): string[] {
  const match = /^-c=(.*)$/s.exec(arg);
  return match !== null && !argv.slice(0, at).includes("--") ? ["-c", match[1] ?? ""] : [arg];
}
