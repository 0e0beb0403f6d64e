import { join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { assertLaterFieldsKept, assertNewerFormatLeftAlone } from "../e2e/support/newer-cache-file.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * A cache file of a later kcc-cache, run in-process (docs/cache-format.md): the end-to-end store
 * tests keep one case of each against the installed command.
 */

for (const where of ["the default path", "another path"] as const) {
  test(`a newer format's cache file at ${where} is left alone; credentials are served uncached`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "newer-format");
    const elsewhere = join(cache.sandbox.dir, "elsewhere", "cache.json");
    if (where === "the default path")
      await assertNewerFormatLeftAlone(cache, plugin, cache.sandbox.cacheFile);
    else
      await assertNewerFormatLeftAlone(cache, plugin, elsewhere, { KUBE_CREDENTIAL_CACHE_FILE: elsewhere });
  });
}

test("fields and entries a later version added survive this version's hits, writes and --clear", async (t) => {
  const cache = useInProcessCache(t);
  await assertLaterFieldsKept(cache, writeFakePlugin(cache.sandbox, "later-fields"));
});
