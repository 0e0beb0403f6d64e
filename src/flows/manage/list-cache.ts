import { renderList, type ListRow } from "../../core/manage/list-report.js";
import { warn, type Runtime } from "../runtime.js";
import type { CacheInventory } from "./cache-inventory.js";

/** --list: the file's entries, then the secret store's (each read as a hit reads it). */
export async function listCache(inventory: CacheInventory, json: boolean, runtime: Runtime): Promise<number> {
  const { file, document, keyring } = inventory;
  if (file.why !== undefined) warn(runtime, `${file.why}; listing no entries from it`);
  const rows: ListRow[] = [...(document?.entries ?? [])].map(([key, entry]) => ({
    key,
    store: "file",
    entry,
  }));
  for (const key of keyring?.keys() ?? [])
    rows.push({ key, store: "keyring", entry: await keyring?.get(key) });
  runtime.stdout(renderList(rows, runtime.now(), json));
  return 0;
}
