import { withoutEntries } from "../../core/cache/cache-document.js";
import {
  clearExitCode,
  clearSummary,
  planFileClear,
  removedLine,
  type ClearSelection,
} from "../../core/manage/clear-report.js";
import { isUntouchable } from "../../core/manage/cache-file-state.js";
import { describeFilter, matchesFilter, type KeyFilter } from "../../core/manage/key-filter.js";
import type { DebugLog } from "../../io/debug-log.js";
import { tell, warn, type Runtime } from "../runtime.js";
import type { CacheInventory } from "./cache-inventory.js";
import type { ClearTarget } from "./manage-cache.js";

/**
 * --clear [KEY... | filters | --all]: the selected entries from the cache file, through the file
 * store's locked rewrite, then from the secret store in use. A named key found in neither, or a
 * filter that selects nothing, is reported on stderr and fails the command.
 */
export async function clearCache(
  inventory: CacheInventory,
  target: ClearTarget,
  filter: KeyFilter,
  runtime: Runtime,
  debug: DebugLog,
): Promise<number> {
  const { file, fileStore, keyring, decision } = inventory;
  const wanted = new Set(target.kind === "keys" ? target.keys : []);
  const selection: ClearSelection =
    target.kind === "all"
      ? "all"
      : target.kind === "keys"
        ? (key) => wanted.has(key)
        : (key) => matchesFilter(key, filter);
  let removed = 0;
  const plan = planFileClear(file, selection);
  if (plan.kind === "leave" && plan.why !== undefined)
    warn(runtime, `${plan.why}; the cache file was not changed`);
  if (plan.kind === "rewrite") {
    await fileStore.replaceDocument((document) => withoutEntries(document, plan.empty ? "all" : plan.remove));
    debug(`cache file rewritten`);
    for (const key of plan.remove) {
      runtime.stdout(removedLine("file", key));
      wanted.delete(key);
      removed += 1;
    }
  }
  if (keyring !== undefined) {
    const targets =
      selection === "all"
        ? keyring.keys()
        : target.kind === "keys"
          ? [...wanted]
          : keyring.keys().filter(selection);
    for (const key of targets) {
      if (await keyring.remove(key)) {
        runtime.stdout(removedLine("keyring", key));
        wanted.delete(key);
        removed += 1;
      }
    }
  } else if (decision.kind === "uncached" && !isUntouchable(file)) {
    warn(runtime, `keyring entries were not removed: ${decision.why}`);
  }
  if (target.kind === "all" && target.forgetSecretStore) {
    // Last: entries the secret store still holds were removed above while the index named them.
    const { forgetKeyringIndex } = await import("../../io/secret-store/keyring-index.js");
    if (forgetKeyringIndex(inventory.keyringIndex))
      runtime.stdout(
        `forgot the secret store: removed ${inventory.keyringIndex}; auto mode may use the file again\n`,
      );
  }
  for (const key of wanted) tell(runtime, `not cached: ${key}`);
  const unmatched = target.kind === "filter" && removed === 0;
  if (unmatched) tell(runtime, `not cached: no entry matches ${describeFilter(target.filter)}`);
  runtime.stdout(clearSummary(removed));
  return clearExitCode(decision, file, target.kind, wanted.size + (unmatched ? 1 : 0));
}
