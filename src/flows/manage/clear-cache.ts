import { withoutEntries } from "../../core/cache/cache-document.js";
import { clearExitCode, clearSummary, planFileClear, removedLine } from "../../core/manage/clear-report.js";
import { isUntouchable } from "../../core/manage/cache-file-state.js";
import type { DebugLog } from "../../io/debug-log.js";
import { tell, warn, type Runtime } from "../runtime.js";
import type { CacheInventory } from "./cache-inventory.js";

/**
 * --clear [KEY...]: the named entries (every entry when none is named) from the cache file, through
 * the file store's locked rewrite, then from the secret store in use; a key found in neither is
 * reported on stderr.
 */
export async function clearCache(
  inventory: CacheInventory,
  keys: readonly string[],
  runtime: Runtime,
  debug: DebugLog,
): Promise<number> {
  const { file, fileStore, keyring, decision } = inventory;
  const wanted = new Set(keys);
  let removed = 0;
  const plan = planFileClear(file, keys);
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
    const targets = keys.length === 0 ? keyring.keys() : keys.filter((key) => wanted.has(key));
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
  for (const key of wanted) tell(runtime, `not cached: ${key}`);
  runtime.stdout(clearSummary(removed));
  return clearExitCode(decision, file, keys);
}
