import { parseKeyFields, pluginCommand, stringField } from "../cache/key-fields.js";
import { UsageError } from "../errors.js";
import type { KubeconfigNames } from "../kubeconfig/kubeconfig-names.js";

/**
 * What --list and --clear select by, as the user knows it: the kubeconfig user (the key's `user`,
 * present when kcc-injector set KUBE_CREDENTIAL_CACHE_USER), the cluster's server (from --cluster or
 * --context, through the kubeconfig), the plugin command. Every given part must match.
 */
export interface KeyFilter {
  readonly user?: string;
  readonly server?: string;
  readonly plugin?: string;
}

/** The filter options as typed, before a context or cluster name is looked up in the kubeconfig. */
export interface FilterOptions {
  readonly user?: string;
  readonly context?: string;
  readonly cluster?: string;
  readonly plugin?: string;
}

/**
 * Whether the key matches (every key matches the empty filter). A key without the field a filter asks for does not match (a key stored
 * without KUBE_CREDENTIAL_CACHE_USER cannot be told to belong to a user), and a key that cannot be
 * read matches no filter: a filter never clears what it cannot show to be selected.
 */
export function matchesFilter(key: string, filter: KeyFilter): boolean {
  if (Object.keys(filter).length === 0) return true;
  const fields = parseKeyFields(key);
  if (fields === undefined) return false;
  if (filter.user !== undefined && stringField(fields, "user") !== filter.user) return false;
  if (filter.server !== undefined && stringField(fields, "server") !== filter.server) return false;
  if (filter.plugin !== undefined) {
    const command = pluginCommand(fields);
    if (command === undefined || !isPlugin(command, filter.plugin)) return false;
  }
  return true;
}

/**
 * `--plugin aws` matches `aws`, `/usr/local/bin/aws` and `C:\…\aws.exe`; a path matches only itself,
 * since the key holds the command as the kubeconfig wrote it.
 */
function isPlugin(command: string, wanted: string): boolean {
  if (/[\\/]/.test(wanted)) return command === wanted;
  const base = command.split(/[\\/]/).pop() ?? command;
  return base === wanted || base.replace(/\.(exe|cmd|bat)$/i, "") === wanted;
}

/** The filter as the user typed it, for "no cached entry matches …". */
export function describeFilter(options: FilterOptions): string {
  return (["user", "context", "cluster", "plugin"] as const)
    .flatMap((name) => (options[name] === undefined ? [] : [`--${name} ${JSON.stringify(options[name])}`]))
    .join(" ");
}

/**
 * The filter the options ask for, with --context and --cluster looked up in the kubeconfig kubectl
 * would use (`names`, read only when one of them is given). A name the kubeconfig does not define, or
 * options that contradict each other, is a usage error: a filter that can match nothing is a typo.
 */
export function resolveFilter(
  options: FilterOptions,
  names: KubeconfigNames | undefined,
  where: string,
): KeyFilter {
  const { plugin } = options;
  let { user } = options;
  let server: string | undefined;
  const serverOf = (cluster: string): string => {
    if (names?.clusters.has(cluster) !== true)
      throw new UsageError(`no cluster ${JSON.stringify(cluster)} in ${where}`);
    const found = names.clusters.get(cluster);
    if (found === undefined)
      throw new UsageError(`cluster ${JSON.stringify(cluster)} has no server in ${where}`);
    return found;
  };
  if (options.cluster !== undefined) server = serverOf(options.cluster);
  if (options.context !== undefined) {
    const context = names?.contexts.get(options.context);
    if (context === undefined)
      throw new UsageError(`no context ${JSON.stringify(options.context)} in ${where}`);
    if (context.user !== undefined) {
      if (user !== undefined && user !== context.user)
        throw new UsageError(
          `--user ${JSON.stringify(user)} and --context ${JSON.stringify(options.context)} (user ${JSON.stringify(context.user)}) select nothing together`,
        );
      user = context.user;
    }
    if (context.cluster !== undefined) {
      const contextServer = serverOf(context.cluster);
      if (server !== undefined && server !== contextServer)
        throw new UsageError(
          `--cluster ${JSON.stringify(options.cluster)} and --context ${JSON.stringify(options.context)} (cluster ${JSON.stringify(context.cluster)}) select nothing together`,
        );
      server = contextServer;
    }
  }
  return {
    ...(user === undefined ? {} : { user }),
    ...(server === undefined ? {} : { server }),
    ...(plugin === undefined ? {} : { plugin }),
  };
}

/** Whether the options name anything the kubeconfig must be read for. */
export function needsKubeconfig(options: FilterOptions): boolean {
  return options.context !== undefined || options.cluster !== undefined;
}
