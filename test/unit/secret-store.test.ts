import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { CacheEntry } from "../../src/core/cache/cache-entry.js";
import { PRUNE_LIMIT_PER_WRITE } from "../../src/core/store/keyring-prune.js";
import { WINDOWS_MAX_PART_CHARS } from "../../src/core/store/secret-chunks.js";
import type { KeyringApi } from "../../src/io/secret-store/keyring-api.js";
import { createKeyringIndex } from "../../src/io/secret-store/keyring-index.js";
import { createSecretStore } from "../../src/io/secret-store/secret-store.js";
import { useTempDir } from "./support/temp-dir.js";

/** An in-memory store with Windows Credential Manager's limit: 2,560 bytes of UTF-16 per secret. */
function windowsLikeKeyring(): KeyringApi & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    description: "fake Credential Manager",
    maxPartChars: WINDOWS_MAX_PART_CHARS,
    get: (account) => Promise.resolve(values.get(account)),
    set: (account, value) => {
      if (value.length * 2 > 2_560)
        return Promise.reject(new Error("The stub received bad data (CRED_MAX_CREDENTIAL_BLOB_SIZE)"));
      values.set(account, value);
      return Promise.resolve();
    },
    delete: (account) => Promise.resolve(values.delete(account)),
  };
}

function setup(t: TestContext, writable?: () => Promise<{ ok: true } | { ok: false; why: string }>) {
  const dir = useTempDir(t, "kcc-secret-store-");
  const keyring = windowsLikeKeyring();
  const warnings: string[] = [];
  const debugLines: string[] = [];
  const index = createKeyringIndex(join(dir, "keyring-index.json"), () => Promise.resolve(() => undefined));
  const store = createSecretStore({
    keyring,
    index,
    lockDirectory: join(dir, "locks"),
    warn: (message) => warnings.push(message),
    debug: (message) => debugLines.push(message),
    ...(writable === undefined ? {} : { writable }),
  });
  return { dir, keyring, store, warnings, debugLines, indexPath: index.path };
}

const entry = (credential: string): CacheEntry => ({
  credential,
  expiresAtMs: 2_000_000_000_000,
  expirySource: "plugin",
  kind: "certificate",
  storedAtMs: 1_000,
});

test("an 8 KB certificate credential round-trips under a 2,560-byte limit, and shrinking drops old parts", async (t) => {
  const { keyring, store, indexPath } = setup(t);
  const big = entry(
    JSON.stringify({
      status: {
        clientCertificateData: randomBytes(3_000).toString("base64"),
        clientKeyData: randomBytes(3_000).toString("base64"),
      },
    }),
  );
  await store.put("k", big, 0);
  assert.ok(keyring.values.size > 2, "split into parts");
  assert.deepEqual(await store.get("k"), big);
  assert.doesNotMatch(readFileSync(indexPath, "utf8"), /clientKeyData/, "the index holds keys only");

  const small = entry("{}");
  await store.put("k", small, 0);
  assert.deepEqual([...keyring.values.keys()], ["k"], "no stale parts left");
  assert.deepEqual(await store.get("k"), small);
  assert.deepEqual(store.keys(), ["k"]);
  assert.equal(await store.remove("k"), true);
  assert.equal(keyring.values.size, 0);
  assert.deepEqual(store.keys(), []);
});

test("foreign, damaged or torn values are a miss", async (t) => {
  const { keyring, store } = setup(t);
  for (const value of ["hunter2", "{not json", '{"credential":""}']) {
    keyring.values.set("k", value);
    assert.equal(await store.get("k"), undefined, value);
  }
  await store.put("k", entry(randomBytes(6_000).toString("base64")), 0);
  keyring.values.set("k#2", keyring.values.get("k#1") ?? "");
  assert.equal(await store.get("k"), undefined, "a part from elsewhere");
});

test("a store that fails to read is a miss with a warning that never carries the secret", async (t) => {
  const { keyring, store, warnings } = setup(t);
  keyring.get = () => {
    throw new Error("Platform failure: org.freedesktop.DBus.Error.NoReply");
  };
  assert.equal(await store.get("k"), undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? "", /cannot be read \(Platform failure/);
});

test("a write prunes other keys whose credentials have expired, and keys of unknown expiry gone from the store", async (t) => {
  const { keyring, store, indexPath } = setup(t);
  const expiringAt = (expiresAtMs: number): CacheEntry => ({ ...entry("{}"), expiresAtMs });
  await store.put("expired", expiringAt(5_000), 1_000);
  await store.put("live", expiringAt(50_000), 1_000);
  await store.put("deleted-by-hand", expiringAt(50_000), 1_000);
  keyring.values.delete("deleted-by-hand");
  // Written by a version whose index did not record expiries: judged by reading the store.
  const index = JSON.parse(readFileSync(indexPath, "utf8")) as { keyring: Record<string, unknown> };
  index.keyring["old-format-gone"] = { parts: 0 };
  index.keyring["old-format-live"] = { parts: 0 };
  keyring.values.set("old-format-live", JSON.stringify(expiringAt(60_000)));
  writeFileSync(indexPath, JSON.stringify(index));
  assert.deepEqual(
    store.keys(),
    ["deleted-by-hand", "expired", "live", "old-format-gone", "old-format-live"],
    "nothing expired yet at 1,000",
  );

  await store.put("new", expiringAt(90_000), 10_000);
  // "deleted-by-hand" is listed until its recorded expiry: pruning reads no entry whose expiry it knows.
  assert.deepEqual(store.keys(), ["deleted-by-hand", "live", "new", "old-format-live"]);
  assert.deepEqual([...keyring.values.keys()].sort(), ["live", "new", "old-format-live"]);
  await store.put("newer", expiringAt(90_000), 55_000);
  assert.deepEqual(store.keys(), ["new", "newer", "old-format-live"]);
});

test("pruning a thousand stale keys is spread over writes: each touches at most ten, and writes the index once", async (t) => {
  const { dir, keyring } = setup(t);
  let indexWrites = 0;
  const index = createKeyringIndex(join(dir, "counted-index.json"), () => {
    indexWrites += 1;
    return Promise.resolve(() => undefined);
  });
  const store = createSecretStore({
    keyring,
    index,
    lockDirectory: join(dir, "locks"),
    warn: () => undefined,
    debug: () => undefined,
  });
  const stale: Record<string, unknown> = {};
  for (let n = 0; n < 1000; n += 1) {
    stale[`stale-${n}`] = { parts: 0, expiresAtMs: 1_000 + n };
    keyring.values.set(`stale-${n}`, JSON.stringify({ ...entry("{}"), expiresAtMs: 1_000 + n }));
  }
  writeFileSync(index.path, JSON.stringify({ kcc: 1, keyring: stale }));
  let touched = 0;
  const values = keyring.values;
  keyring.get = (account) => {
    touched += 1;
    return Promise.resolve(values.get(account));
  };
  keyring.delete = (account) => {
    touched += 1;
    return Promise.resolve(values.delete(account));
  };

  await store.put("fresh", { ...entry("{}"), expiresAtMs: 90_000 }, 10_000);
  assert.equal(indexWrites, 1, "one index write per store write");
  assert.ok(touched <= 2 * PRUNE_LIMIT_PER_WRITE, `touched ${touched} store entries`);
  assert.equal(store.keys().length, 1 + 1000 - PRUNE_LIMIT_PER_WRITE);
  assert.ok(!store.keys().includes("stale-0"), "the longest expired go first");
  for (let write = 1; write < 1000 / PRUNE_LIMIT_PER_WRITE; write += 1)
    await store.put("fresh", { ...entry("{}"), expiresAtMs: 90_000 }, 10_000);
  assert.deepEqual(store.keys(), ["fresh"]);
  assert.deepEqual([...keyring.values.keys()], ["fresh"]);
});

test("a store that is no longer writable when the credential arrives is not written to at all", async (t) => {
  let ok = true;
  const { keyring, store, warnings, debugLines, indexPath } = setup(t, () =>
    Promise.resolve(ok ? { ok: true } : { ok: false, why: "the collection is locked" }),
  );
  await store.put("before", entry("{}"), 0);
  ok = false;
  keyring.set = () => Promise.reject(new Error("a write would have asked for an unlock prompt"));
  keyring.get = () => Promise.reject(new Error("a read would have asked for an unlock prompt"));
  const indexBefore = readFileSync(indexPath, "utf8");
  await store.put("after", entry("{}"), 0);
  assert.equal(readFileSync(indexPath, "utf8"), indexBefore, "index untouched, nothing pruned");
  assert.deepEqual(warnings, [], "the caller of writable() decides whether to warn");
  assert.deepEqual(debugLines, ["not cached: the collection is locked"]);
});
