// The file store on real files in a temp dir: what a hit reads, what a write keeps, and how a damaged
// or foreign file is met. The lock is a stand-in (one process here); test/unit/lock.test.ts covers it.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { CacheEntry } from "../../src/core/cache/cache-entry.js";
import { resolveCacheLocation } from "../../src/core/cache/cache-location.js";
import { ConfigError } from "../../src/core/errors.js";
import { createFileStore } from "../../src/io/cache-file/file-store.js";
import { useTempDir } from "./support/temp-dir.js";

const entry = (token: string, expiresAtMs = 2_000_000_000_000): CacheEntry => ({
  credential: `{"status":{"token":"${token}"}}\n`,
  expiresAtMs,
  expirySource: "plugin",
  kind: "token",
  storedAtMs: 1,
});

function setup(t: TestContext, setting?: string) {
  const home = useTempDir(t, "kcc-file-store-");
  const location = resolveCacheLocation(setting?.replace("<home>", home), {
    os: "linux",
    homedir: home,
    env: { XDG_CACHE_HOME: join(home, ".cache") },
  });
  const warnings: string[] = [];
  const store = createFileStore({
    location,
    uid: process.getuid?.(),
    warn: (message) => warnings.push(message),
    debug: () => undefined,
    lockFile: () => Promise.resolve(() => undefined),
  });
  return { home, file: location.file, store, warnings };
}

test("entries written by different keys are all kept, in a 0600 file in a 0700 directory", async (t) => {
  const { file, store, warnings } = setup(t);
  await store.put("a", entry("token-a"), 0);
  await store.put("b", entry("token-b"), 0);
  assert.deepEqual(await store.get("a"), entry("token-a"));
  assert.deepEqual(await store.get("b"), entry("token-b"));
  assert.equal(await store.get("c"), undefined);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(file, "..")).mode & 0o777, 0o700);
  assert.deepEqual(warnings, []);
});

test("a write drops expired entries of other keys", async (t) => {
  const { store } = setup(t);
  await store.put("old", entry("token-old", 500), 0);
  await store.put("new", entry("token-new"), 1_000);
  assert.equal(await store.get("old"), undefined);
  assert.deepEqual(await store.get("new"), entry("token-new"));
});

test("a damaged file at the default path is reported once, read as empty, and rebuilt by the next write", async (t) => {
  const { file, store, warnings } = setup(t);
  mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
  writeFileSync(file, '{"kcc":1,"entries":{"a":{"credential":"secret-tok', { mode: 0o600 });
  assert.equal(await store.get("a"), undefined);
  assert.equal(await store.get("a"), undefined);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0] ?? "", /is broken \(not JSON\); it will be rebuilt/);
  assert.doesNotMatch(warnings[0] ?? "", /secret-tok/, "never quotes the file");
  await store.put("b", entry("token-b"), 0);
  assert.deepEqual(await store.get("b"), entry("token-b"));
  assert.doesNotMatch(readFileSync(file, "utf8"), /secret-tok/);
});

test("one damaged entry costs neither a hit on another key nor that key's entry on the next write", async (t) => {
  const { file, store, warnings } = setup(t);
  await store.put("a", entry("token-a"), 0);
  await store.put("b", entry("token-b"), 0);
  writeFileSync(file, readFileSync(file, "utf8").replace('"kind": "token"', '"kind": "bogus"'));
  assert.equal(await store.get("a"), undefined, "the damaged entry is a miss");
  assert.deepEqual(await store.get("b"), entry("token-b"));
  await store.put("c", entry("token-c"), 0);
  assert.deepEqual(await store.get("b"), entry("token-b"));
  assert.deepEqual(warnings, []);
});

test("a file at a chosen path that is not a kcc-cache file is refused and left as it was", async (t) => {
  const { home } = setup(t);
  const chosen = join(home, "kubeconfig.yaml");
  writeFileSync(chosen, '{"apiVersion":"v1","kind":"Config"}');
  const { store } = setup(t, chosen);
  await assert.rejects(async () => store.get("a"), ConfigError);
  await assert.rejects(async () => store.put("a", entry("token-a"), 0), ConfigError);
  assert.equal(readFileSync(chosen, "utf8"), '{"apiVersion":"v1","kind":"Config"}');
});
