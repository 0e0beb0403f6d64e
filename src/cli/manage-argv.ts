import { UsageError } from "../core/errors.js";
import type { FilterOptions } from "../core/manage/key-filter.js";
import type { CacheCommand } from "./cache-argv.js";
import { missingValue, unknownOption } from "./usage-words.js";

/** What a command line with a management option asks for: they, or the help that overrides them. */
export type ManageArgv = Exclude<CacheCommand, { readonly kind: "manage" | "run" }>;

type Action = "--list" | "--clear" | "--status";
const FILTERS = ["--user", "--context", "--cluster", "--plugin"] as const;
type Filter = (typeof FILTERS)[number];

/** What the management options collected, judged once they are all read. */
interface Management {
  action: Action | undefined;
  json: boolean;
  all: boolean;
  forget: boolean;
  filter: { -readonly [name in keyof FilterOptions]: string };
  keys: string[];
  /** The first management option seen, for "X goes with --list or --clear". */
  first: string | undefined;
}

/**
 * A kcc-cache command line with a management option (cache-argv.ts found one): --list, --clear,
 * --status, with --json, --all and the filters, in any order. They replace the plugin: no command
 * runs, and a word among them is a key to clear.
 */
export function parseManageArgv(argv: readonly string[]): ManageArgv {
  const manage: Management = {
    action: undefined,
    json: false,
    all: false,
    forget: false,
    filter: {},
    keys: [],
    first: undefined,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? "";
    if (arg === "--") {
      manage.keys.push(...argv.slice(index + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      manage.keys.push(arg);
      continue;
    }
    const [name, inline] = splitOption(arg);
    const value = (): string => {
      const given = inline ?? argv[(index += 1)];
      if (given === undefined || given === "")
        throw missingValue(name, name === "--completion" ? "bash" : "NAME");
      return given;
    };
    if (name === "-h" || name === "--help") return { kind: "help" };
    if (name === "--version") return { kind: "version" };
    if (name === "--completion") return { kind: "completion", shell: value() };
    manage.first ??= name;
    if (name === "--list" || name === "--clear" || name === "--status") {
      if (manage.action !== undefined && manage.action !== name)
        throw new UsageError(`${manage.action} and ${name} cannot be combined`);
      manage.action = name;
    } else if (name === "--json") manage.json = true;
    else if (name === "--all") manage.all = true;
    else if (name === "--forget-secret-store") manage.forget = true;
    else if (isFilter(name)) {
      const key = name.slice(2) as keyof FilterOptions;
      if (manage.filter[key] !== undefined) throw new UsageError(`${name} given twice`);
      manage.filter[key] = value();
    } else throw unknownOption(arg);
    if (inline !== undefined && !isFilter(name)) throw new UsageError(`${name} takes no value`);
  }
  return judge(manage);
}

function judge(manage: Management): ManageArgv {
  const { action, json, all, forget, filter, keys } = manage;
  const filtered = Object.keys(filter).length > 0;
  if (action === undefined) {
    const goesWith =
      manage.first === "--json"
        ? "--list or --status"
        : manage.first === "--all" || manage.first === "--forget-secret-store"
          ? "--clear"
          : "--list or --clear";
    throw new UsageError(`${manage.first ?? ""} goes with ${goesWith}`);
  }
  if (forget && (action !== "--clear" || keys.length > 0 || filtered))
    throw new UsageError("--forget-secret-store goes with a --clear of everything (no keys, no filters)");
  if (action === "--status") {
    if (all || filtered || keys.length > 0) throw new UsageError("--status takes only --json");
    return { kind: "status", json };
  }
  if (action === "--list") {
    if (all) throw new UsageError("--all goes with --clear (a bare --list lists everything)");
    if (keys.length > 0)
      throw new UsageError(
        `--list takes no keys (got ${JSON.stringify(keys[0])}); filter with --user, --context, --cluster or --plugin`,
      );
    return { kind: "list", json, filter };
  }
  if (json) throw new UsageError("--json goes with --list or --status");
  if (keys.length > 0 && (all || filtered))
    throw new UsageError("--clear takes keys, filters or --all, one of them");
  if (all && filtered) throw new UsageError("--all clears everything: leave out the filters, or --all");
  if (keys.length > 0) return { kind: "clear", target: { kind: "keys", keys } };
  return {
    kind: "clear",
    target: filtered ? { kind: "filter", filter } : { kind: "all", forgetSecretStore: forget },
  };
}

/** `--user=alice` as `--user` and `alice`; a short option or a plain one as itself. */
function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf("=");
  return arg.startsWith("--") && equals > 2
    ? [arg.slice(0, equals), arg.slice(equals + 1)]
    : [arg, undefined];
}

function isFilter(name: string): name is Filter {
  return (FILTERS as readonly string[]).includes(name);
}
