import type { StoreDecision } from "../store/backend-choice.js";
import { isUntouchable, type CacheFileState } from "./cache-file-state.js";

/**
 * What --clear does to the cache file. A healthy file loses only the named keys (every key when none
 * is named); a broken one, or one with leftover temporary copies, is rewritten empty by a bare
 * --clear, since each rewrite also removes those copies (they hold tokens).
 */
export type FileClearPlan =
  | { readonly kind: "leave"; readonly why: string | undefined }
  | { readonly kind: "keep" }
  | { readonly kind: "rewrite"; readonly remove: readonly string[]; readonly empty: boolean };

export function planFileClear(file: CacheFileState, keys: readonly string[]): FileClearPlan {
  if (isUntouchable(file)) return { kind: "leave", why: file.why };
  const wanted = new Set(keys);
  const remove = file.keys.filter((key) => wanted.size === 0 || wanted.has(key));
  const empty = wanted.size === 0;
  const sweep = empty && (file.state === "broken" || file.leftovers > 0);
  return remove.length > 0 || sweep ? { kind: "rewrite", remove, empty } : { kind: "keep" };
}

/**
 * Nothing to clear is success when caching is off; a bare --clear that could not reach the store
 * in use (no secret store usable now) is not.
 */
export function clearExitCode(
  decision: StoreDecision,
  file: CacheFileState,
  keys: readonly string[],
): number {
  return decision.kind === "uncached" && file.state !== "off" && keys.length === 0 ? 1 : 0;
}

export function removedLine(store: "file" | "keyring", key: string): string {
  return `removed (${store}): ${key}\n`;
}

export function clearSummary(removed: number): string {
  return `${removed} ${removed === 1 ? "entry" : "entries"} removed\n`;
}
