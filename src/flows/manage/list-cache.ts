import { documentKeys } from "../../core/cache/cache-document.js";
import { matchesFilter, type KeyFilter } from "../../core/manage/key-filter.js";
import { renderList, type ListRow } from "../../core/manage/list-report.js";
import { warn, type Runtime } from "../runtime.js";
import type { CacheInventory } from "./cache-inventory.js";

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
  for (const key of (keyring?.keys() ?? []).filter(selected))
    rows.push({ key, store: "keyring", entry: await keyring?.get(key) });
  runtime.stdout(renderList(rows, runtime.now(), json));
  return 0;
}
