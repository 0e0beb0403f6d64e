import { UsageError } from "../core/errors.js";
import type { ManageCommand } from "../flows/manage/manage-cache.js";
import type { ServeRequest } from "../flows/serve-credential.js";

/** What kcc-cache is asked to do; each flow declares the part it takes. */
export type CacheCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | ({ readonly kind: "run" } & ServeRequest)
  | ManageCommand;

/**
 * `kcc-cache [options] <plugin> [args...]`. Options are kcc-cache's only before the plugin; from the
 * plugin on, everything belongs to the plugin, untouched. `--` ends kcc-cache's options explicitly.
 * The management options (--list, --clear, --status) replace the plugin: they run no command.
 */
export function parseCacheArgv(argv: readonly string[]): CacheCommand {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    if (arg === "--") return run(argv.slice(index + 1));
    if (!arg.startsWith("-") || arg === "-") return run(argv.slice(index));
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "--version") return { kind: "version" };
    if (arg === "--list" || arg === "--status") return report(arg, argv.slice(index + 1));
    if (arg === "--clear") return { kind: "clear", keys: argv.slice(index + 1) };
    throw new UsageError(
      `unknown option ${JSON.stringify(arg)} (options go before the plugin command; see kcc-cache --help)`,
    );
  }
  return run([]);
}

function report(option: "--list" | "--status", rest: readonly string[]): CacheCommand {
  const kind = option === "--list" ? "list" : "status";
  if (rest.length === 0) return { kind, json: false };
  if (rest.length === 1 && rest[0] === "--json") return { kind, json: true };
  throw new UsageError(`${option} takes only --json (got ${JSON.stringify(rest.join(" "))})`);
}

function run(rest: readonly string[]): CacheCommand {
  const [command, ...args] = rest;
  if (command === undefined || command === "") {
    throw new UsageError(
      "missing the credential plugin to run, e.g. kcc-cache aws eks get-token --cluster-name NAME",
    );
  }
  return { kind: "run", command, args };
}
