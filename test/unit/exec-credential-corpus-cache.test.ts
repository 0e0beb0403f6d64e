import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cachedByKccCache,
  CONFIGURED_API_VERSION,
  CORPUS,
  NOT_UTF8,
} from "../fixtures/exec-credential-corpus.js";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { execInfo } from "../e2e/support/kcc-cache.js";
import { useInProcessCache } from "./support/in-process-cache.js";

// Every row real kubectl has judged (test/e2e/kubectl-differential.test.ts runs the installed kcc-cache on
// a few): kcc-cache passes the plugin's bytes on unchanged, and keeps them exactly when kubectl uses them
// and they are UTF-8 text.
for (const row of CORPUS) {
  const cached = cachedByKccCache(row);
  test(`kubectl ${row.kubectl} ${row.name}: kcc-cache passes it on${cached ? " and caches it" : ""}`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "corpus-plugin", { stdout: row.stdout });
    const env = { KUBERNETES_EXEC_INFO: execInfo(CONFIGURED_API_VERSION) };
    const bytes = Buffer.from(row.stdout);

    const first = await cache.call([plugin.path], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.ok(first.stdoutBytes.equals(bytes), "the plugin's bytes reach kubectl unchanged");
    if (!cached) assert.match(first.stderr, /not cached/);
    const second = await cache.call([plugin.path], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(second.stdoutBytes.equals(bytes));
    assert.equal(
      plugin.runs(),
      cached ? 1 : 2,
      cached ? "kubectl uses it, so the second call is served from the cache" : "never cached",
    );
  });
}

test("every output kcc-cache passes on for not being UTF-8 is a row kubectl accepts", () => {
  const accepted = new Set(CORPUS.filter((row) => row.kubectl === "accepts").map((row) => row.name));
  for (const name of NOT_UTF8) assert.ok(accepted.has(name), name);
});
