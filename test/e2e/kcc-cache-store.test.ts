import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import {
  assertCorruptEntryIsolated,
  assertDamageWarnedAndRebuilt,
  assertSecretNotEchoed,
  SECRET_IN_BROKEN_FILE,
} from "./support/damaged-cache-file.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertLaterFieldsKept, assertNewerFormatLeftAlone } from "./support/newer-cache-file.js";
import { shq } from "./support/fake-plugin.js";
import { assertOk, installedCache, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
import { run } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";

const mode = (path: string): number => statSync(path).mode & 0o777;

/** kcc-cache started from a shell whose umask lets everyone read and write everything it creates. */
function kccCacheUnderUmask000(sandbox: Sandbox, argv: string[]): ReturnType<typeof run> {
  const command = [kccBin("kcc-cache"), ...argv].map(shq).join(" ");
  return run("/bin/sh", ["-c", `umask 000; exec ${command}`], { env: sandbox.env });
}

test("under umask 000 the cache directory is 0700 and the cache file 0600", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "umask-plugin");
  assertOk(await kccCacheUnderUmask000(sandbox, [plugin.path]));
  assert.equal(mode(sandbox.cacheFile).toString(8), "600");
  assert.equal(mode(dirname(sandbox.cacheFile)).toString(8), "700");
  assertOk(await kccCacheUnderUmask000(sandbox, [plugin.path, "second-key"]));
  assert.equal(mode(sandbox.cacheFile).toString(8), "600", "still 0600 after a rewrite");
});

test("an existing cache file with looser modes is tightened to 0600", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "tighten-plugin");
  assertOk(await kccCache(sandbox, [plugin.path]));
  chmodSync(sandbox.cacheFile, 0o644);
  chmodSync(dirname(sandbox.cacheFile), 0o755);
  const hit = await kccCacheUnderUmask000(sandbox, [plugin.path]);
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1), "still a hit");
  assert.equal(mode(sandbox.cacheFile).toString(8), "600", "tightened on the hit path");
  assertOk(await kccCacheUnderUmask000(sandbox, [plugin.path, "another-key"]));
  assert.equal(mode(sandbox.cacheFile).toString(8), "600");
  assert.equal(mode(dirname(sandbox.cacheFile)).toString(8), "700", "its own directory is tightened too");
});

test("KUBE_CREDENTIAL_CACHE_FILE chooses the cache file", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "custom-file");
  const file = join(sandbox.dir, "elsewhere", "nested", "credentials.json");
  const env = { KUBE_CREDENTIAL_CACHE_FILE: file };
  assertOk(await kccCacheUnderUmask000({ ...sandbox, env: { ...sandbox.env, ...env } }, [plugin.path]));
  assert.equal(mode(file).toString(8), "600");
  assert.equal(mode(dirname(file)).toString(8), "700");
  assertOk(await kccCache(sandbox, [plugin.path], { env }));
  assert.equal(plugin.runs(), 1);
});

// The damaged files (several kinds, corrupt entries, what they hold never echoed) are tables run
// in-process (test/unit/cache-file-damage-in-process.test.ts); one case of each here proves the
// installed command.
test("a truncated cache file: one stderr line about it, the credential still served, the file rebuilt", async (t) => {
  const cache = installedCache(useSandbox(t));
  const plugin = writeFakePlugin(cache.sandbox, "broken-file");
  await assertDamageWarnedAndRebuilt(cache, plugin, (text) => text.slice(0, Math.floor(text.length / 2)));
});

// The installed command, whose every output would show here, not only what passes through its Runtime.
test("what a broken cache file holds is never echoed by a credential call", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "secret-file");
  mkdirSync(dirname(sandbox.cacheFile), { recursive: true, mode: 0o700 });
  writeFileSync(sandbox.cacheFile, SECRET_IN_BROKEN_FILE, { mode: 0o600 });
  const result = await kccCache(sandbox, [plugin.path]);
  assertOk(result);
  assertSecretNotEchoed(result, "a credential call");
});

test("a cache file with one corrupt entry (wrong types) keeps the other entries, and --list works", async (t) => {
  const cache = installedCache(useSandbox(t));
  const plugin = writeFakePlugin(cache.sandbox, "entries");
  await assertCorruptEntryIsolated(cache, plugin, () => '{"credential":42,"expiresAtMs":"never"}');
});

test("a newer format's cache file is left alone; credentials are served uncached", async (t) => {
  const cache = installedCache(useSandbox(t));
  await assertNewerFormatLeftAlone(
    cache,
    writeFakePlugin(cache.sandbox, "newer-format"),
    cache.sandbox.cacheFile,
  );
});

test("fields and entries a later version added survive this version's hits, writes and --clear", async (t) => {
  const cache = installedCache(useSandbox(t));
  await assertLaterFieldsKept(cache, writeFakePlugin(cache.sandbox, "later-fields"));
});

test("a store that cannot be written costs a warning, never the credential", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "unwritable");
  const blocker = join(sandbox.dir, "a-file");
  writeFileSync(blocker, "");
  // A path below a regular file can never be created (ENOTDIR), even as root.
  const env = { KUBE_CREDENTIAL_CACHE_FILE: join(blocker, "sub", "cache.json") };
  const result = await kccCache(sandbox, [plugin.path], { env });
  assertOk(result);
  assert.equal(result.stdout, plugin.output(1));
  const lines = stderrLines(result);
  assert.ok(lines.length >= 1, "the user is told the cache is not working");
  for (const line of lines) assert.match(line, /^kcc-cache: warning: /);
  assert.ok(!/waited/.test(result.stderr), `no phantom lock holder is blamed:\n${result.stderr}`);
  assert.equal(new Set(lines).size, lines.length, "no warning is repeated");
});

test("KUBE_CREDENTIAL_CACHE_DEBUG explains key, store, miss, hit and expiry, never the token", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "debug-plugin", { token: "SUPER-SECRET-TOKEN-{run}" });
  const env = { KUBE_CREDENTIAL_CACHE_DEBUG: "1", AWS_PROFILE: "dev" };
  const miss = await kccCache(sandbox, [plugin.path, "get-token"], { env });
  const hit = await kccCache(sandbox, [plugin.path, "get-token"], { env });
  assertOk(miss);
  assertOk(hit);
  assert.equal(miss.stdout, plugin.output(1), "debug output never reaches stdout");
  assert.equal(hit.stdout, plugin.output(1));
  for (const output of [miss.stderr, hit.stderr]) {
    assert.ok(!output.includes("SUPER-SECRET-TOKEN"), "the token never appears on stderr");
    assert.match(output, /key: .*get-token/);
    assert.match(output, /store: file \S+cache\.json/, "the store and its file are named");
  }
  assert.match(miss.stderr, /\bmiss\b/);
  assert.match(hit.stderr, /\bhit\b/);
  const year = new Date().getUTCFullYear().toString();
  assert.ok(hit.stderr.includes(year), "the expiry decision shows the expiry time");

  const noDebug = await kccCache(sandbox, [plugin.path, "get-token"], {
    env: { KUBE_CREDENTIAL_CACHE_DEBUG: "0" },
  });
  assert.equal(noDebug.stderr, "", "0 is not a truthy value");
});

test("the cache file never holds a token readable by others, and the token never leaks into lock files", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "secret-plugin", { token: "LEAK-CHECK-{run}" });
  assertOk(await kccCacheUnderUmask000(sandbox, [plugin.path]));
  const { readdirSync } = await import("node:fs");
  const dir = dirname(sandbox.cacheFile);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (path === sandbox.cacheFile) assert.equal(mode(path) & 0o077, 0);
    else assert.ok(!readFileSync(path, "utf8").includes("LEAK-CHECK"), `${path} holds no token`);
  }
});
