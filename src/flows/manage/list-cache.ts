import { documentKeys } from "../../core/cache/cache-document.js";
import { renderList, type ListRow } from "../../core/manage/list-report.js";
import { warn, type Runtime } from "../runtime.js";
import type { CacheInventory } from "./cache-inventory.js";

/** --list: the file's entries, then the secret store's (each read as a hit reads it). */
export async function listCache(inventory: CacheInventory, json: boolean, runtime: Runtime): Promise<number> {
  const { file, document, keyring } = inventory;
  if (file.why !== undefined) warn(runtime, `${file.why}; listing no entries from it`);
  // Entries a later kcc-cache wrote that this one cannot read are listed too, their expiry as "?".
  const rows: ListRow[] = (document === undefined ? [] : documentKeys(document)).map((key) => ({
    key,
    store: "file",
    entry: document?.entries.get(key),
  }));
  for (const key of keyring?.keys() ?? [])
    rows.push({ key, store: "keyring", entry: await keyring?.get(key) });
  runtime.stdout(renderList(rows, runtime.now(), json));
  return 0;
}
