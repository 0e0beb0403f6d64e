import { readCacheConfig } from "../../core/config.js";
import {
  needsKubeconfig,
  resolveFilter,
  type FilterOptions,
  type KeyFilter,
} from "../../core/manage/key-filter.js";
import { createDebugLog } from "../../io/debug-log.js";
import type { Runtime } from "../runtime.js";
import { readInventory } from "./cache-inventory.js";
import { clearCache } from "./clear-cache.js";
import { listCache } from "./list-cache.js";
import { statusOfCache } from "./status-cache.js";

/**
 * What --clear removes: every entry (and, when asked, the cache's memory of having used a secret
 * store: core/store/backend-choice.ts), the named keys, or the entries a filter selects.
 */
export type ClearTarget =
  | { readonly kind: "all"; readonly forgetSecretStore: boolean }
  | { readonly kind: "keys"; readonly keys: readonly string[] }
  | { readonly kind: "filter"; readonly filter: FilterOptions };

/** The management options, as kcc-cache's argument parser gives them (src/cli/cache-argv.ts). */
export type ManageCommand =
  | { readonly kind: "list"; readonly json: boolean; readonly filter: FilterOptions }
  | { readonly kind: "status"; readonly json: boolean }
  | { readonly kind: "clear"; readonly target: ClearTarget };

/**
 * kcc-cache --list / --clear / --status, over both stores: the cache file and, when the secret store
 * can be used now, the keyring entries named in its keys index. Nothing here prints a secret: rows
 * carry the key, the store, the time to expiry and the credential's kind. A filter naming a context
 * or cluster is resolved before any store is opened, so that a typo changes nothing.
 */
export async function manageCache(
  command: ManageCommand,
  runtime: Runtime,
  version: string,
): Promise<number> {
  const config = readCacheConfig(runtime.env);
  const filter =
    command.kind === "list"
      ? await keyFilter(command.filter, runtime)
      : command.kind === "clear" && command.target.kind === "filter"
        ? await keyFilter(command.target.filter, runtime)
        : undefined;
  const debug = createDebugLog(config.debug, runtime.now(), runtime.now, runtime.stderr);
  const inventory = await readInventory(config, runtime, debug);
  switch (command.kind) {
    case "list":
      return listCache(inventory, filter ?? {}, command.json, runtime);
    case "status":
      return statusOfCache(inventory, command.json, config, runtime, version);
    case "clear":
      return clearCache(inventory, command.target, filter ?? {}, runtime, debug);
  }
}

async function keyFilter(options: FilterOptions, runtime: Runtime): Promise<KeyFilter> {
  if (!needsKubeconfig(options)) return resolveFilter(options, undefined, "");
  // Lazy: YAML loads only for --context and --cluster.
  const { readKubeconfigNames } = await import("./kubeconfig-names.js");
  const { names, where } = readKubeconfigNames(runtime);
  return resolveFilter(options, names, where);
}
