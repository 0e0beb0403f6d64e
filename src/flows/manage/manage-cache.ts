import { readCacheConfig } from "../../core/config.js";
import { createDebugLog } from "../../io/debug-log.js";
import type { Runtime } from "../runtime.js";
import { readInventory } from "./cache-inventory.js";
import { clearCache } from "./clear-cache.js";
import { listCache } from "./list-cache.js";
import { statusOfCache } from "./status-cache.js";

/** The management options, as kcc-cache's argument parser gives them (src/cli/cache-argv.ts). */
export type ManageCommand =
  | { readonly kind: "list"; readonly json: boolean }
  | { readonly kind: "status"; readonly json: boolean }
  | { readonly kind: "clear"; readonly keys: readonly string[] };

/**
 * kcc-cache --list / --clear / --status, over both stores: the cache file and, when the secret store
 * can be used now, the keyring entries named in its keys index. Nothing here prints a secret: rows
 * carry the key, the store, the time to expiry and the credential's kind.
 */
export async function manageCache(
  command: ManageCommand,
  runtime: Runtime,
  version: string,
): Promise<number> {
  const config = readCacheConfig(runtime.env);
  const debug = createDebugLog(config.debug, runtime.now(), runtime.now, runtime.stderr);
  const inventory = await readInventory(config, runtime, debug);
  switch (command.kind) {
    case "list":
      return listCache(inventory, command.json, runtime);
    case "status":
      return statusOfCache(inventory, command.json, config, runtime, version);
    case "clear":
      return clearCache(inventory, command.keys, runtime, debug);
  }
}
