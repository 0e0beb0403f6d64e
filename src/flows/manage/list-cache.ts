import { documentKeys } from "../../core/cache/cache-document.js";
import { matchesFilter, type KeyFilter } from "../../core/manage/key-filter.js";
import { renderList, type ListRow } from "../../core/manage/list-report.js";
import { readInOrder } from "../../core/read-in-order.js";
import { warn, type Runtime } from "../runtime.js";
import type { CacheInventory } from "./cache-inventory.js";

/**
 * How many secret-store entries are read at once. One after another, each read waited for its round
 * trips through the bus to the keyring daemon; sent together, the daemon answers one while the next
 * is on its way (docs/secret-store.md, "What it costs"). The bound stays far below what a bus lets
 * one connection have outstanding.
 */
const READS_AT_ONCE = 16;

/** --list: the file's entries, then the secret store's (each read as a hit reads it), those the filter selects. */
export async function listCache(
  inventory: CacheInventory,
  filter: KeyFilter,
  json: boolean,
  runtime: Runtime,
): Promise<number> {
  const { file, document, keyring } = inventory;
  if (file.why !== undefined) warn(runtime, `${file.why}; listing no entries from it`);
  // Entries a later kcc-cache wrote that this one cannot read are listed too, their expiry as "?".
  const selected = (key: string): boolean => matchesFilter(key, filter);
  const rows: ListRow[] = (document === undefined ? [] : documentKeys(document))
    .filter(selected)
    .map((key) => ({ key, store: "file", entry: document?.entries.get(key) }));
  if (keyring !== undefined) {
    const keys = keyring.keys().filter(selected);
    const entries = await readInOrder(keys, (key) => keyring.get(key), READS_AT_ONCE);
    for (const [at, key] of keys.entries()) rows.push({ key, store: "keyring", entry: entries[at] });
  }
  runtime.stdout(renderList(rows, runtime.now(), json));
  return 0;
}
