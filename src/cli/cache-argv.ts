import { UsageError } from "../core/errors.js";

export type CacheCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "run"; readonly command: string; readonly args: readonly string[] };

/**
 * `kcc-cache [options] <plugin> [args...]`. Options are kcc-cache's only before the plugin; from the
 * plugin on, everything belongs to the plugin, untouched. `--` ends kcc-cache's options explicitly.
 */
export function parseCacheArgv(argv: readonly string[]): CacheCommand {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    if (arg === "--") return run(argv.slice(index + 1));
    if (!arg.startsWith("-") || arg === "-") return run(argv.slice(index));
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "--version") return { kind: "version" };
    throw new UsageError(
      `unknown option ${JSON.stringify(arg)} (options go before the plugin command; see kcc-cache --help)`,
    );
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
