import { UsageError } from "../core/errors.js";
import type { ManageCommand } from "../flows/manage/manage-cache.js";
import type { ServeRequest } from "../flows/serve-credential.js";
import { missingValue, unknownOption } from "./usage-words.js";

/** What kcc-cache is asked to do; each flow declares the part it takes. */
export type CacheCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  /** The shell as typed: checked where the script is written (command-text.ts), off the hit path. */
  | { readonly kind: "completion"; readonly shell: string }
  | ({ readonly kind: "run" } & ServeRequest)
  /** A management option was seen: manage-argv.ts reads the whole command line, loaded only then. */
  | { readonly kind: "manage"; readonly argv: readonly string[] }
  | ManageCommand;

/** The options that replace the plugin (manage-argv.ts reads them). */
const MANAGING = new Set([
  "--list",
  "--clear",
  "--status",
  "--json",
  "--all",
  "--forget-secret-store",
  "--user",
  "--context",
  "--cluster",
  "--plugin",
]);

/**
 * `kcc-cache [options] <plugin> [args...]`. Options are kcc-cache's only before the plugin; from the
 * plugin on, everything belongs to the plugin, untouched. `--` ends kcc-cache's options explicitly.
 * This is the credential call's parser, so it only tells a plugin from the rest: the management
 * options are read by manage-argv.ts, which a credential call never loads.
 */
export function parseCacheArgv(argv: readonly string[]): CacheCommand {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    if (arg === "--") return run(argv.slice(index + 1));
    if (!arg.startsWith("-") || arg === "-") return run(argv.slice(index));
    const name = arg.startsWith("--") && arg.includes("=") ? arg.slice(0, arg.indexOf("=")) : arg;
    if (name === "-h" || name === "--help") return { kind: "help" };
    if (name === "--version") return { kind: "version" };
    if (name === "--completion") {
      const shell = arg === name ? argv[index + 1] : arg.slice(name.length + 1);
      if (shell === undefined || shell === "") throw missingValue(name, "bash");
      return { kind: "completion", shell };
    }
    if (MANAGING.has(name)) return { kind: "manage", argv };
    throw unknownOption(arg);
  }
  return run([]);
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
