import type { StoreDecision } from "../store/backend-choice.js";
import { isUntouchable, type CacheFileState } from "./cache-file-state.js";

/** What --clear removes: everything, or the keys a test selects (named ones, or a filter's). */
export type ClearSelection = "all" | ((key: string) => boolean);

/**
 * What --clear does to the cache file. A healthy file loses only the selected keys; a broken one, or one with leftover temporary copies, is rewritten empty by a bare
 * --clear, since each rewrite also removes those copies (they hold tokens).
 */
export type FileClearPlan =
  | { readonly kind: "leave"; readonly why: string | undefined }
  | { readonly kind: "keep" }
  | { readonly kind: "rewrite"; readonly remove: readonly string[]; readonly empty: boolean };

export function planFileClear(file: CacheFileState, selection: ClearSelection): FileClearPlan {
  if (isUntouchable(file)) return { kind: "leave", why: file.why };
  const empty = selection === "all";
  const remove = empty ? file.keys : file.keys.filter(selection);
  const sweep = empty && (file.state === "broken" || file.leftovers > 0);
  return remove.length > 0 || sweep ? { kind: "rewrite", remove, empty } : { kind: "keep" };
}

/**
 * Success is having removed what was asked for. A named key that was not cached, or a filter that
 * selected nothing, is a failure (`missed`), as `rm` fails on a missing file. Nothing to clear is
 * success when caching is off; a --clear of everything or of a filter that could not reach the store
 * in use (no secret store usable now) is not.
 */
export function clearExitCode(
  decision: StoreDecision,
  file: CacheFileState,
  target: "all" | "keys" | "filter",
  missed: number,
): number {
  if (missed > 0) return 1;
  return decision.kind === "uncached" && file.state !== "off" && target !== "keys" ? 1 : 0;
}

export function removedLine(store: "file" | "keyring", key: string): string {
  return `removed (${store}): ${key}\n`;
}

export function clearSummary(removed: number): string {
  return `${removed} ${removed === 1 ? "entry" : "entries"} removed\n`;
}
