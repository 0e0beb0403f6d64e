import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { assertOk, execInfo } from "../e2e/support/kcc-cache.js";
import type { Sandbox } from "../e2e/support/sandbox.js";
import { canSetUp } from "../e2e/support/skip.js";
import {
  assertNeverCachedAt,
  assertPlantedFileIgnored,
  assertRefused,
  plantForgedCredential,
} from "../e2e/support/untrusted-cache.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * kcc-cache changes only what is provably its own cache, and trusts nothing another user could have
 * planted (docs/cache-location.md): the cases, run in-process. The checks read ownership and modes, so
 * "another user" is the real user nobody owning files chowned to it, which needs root as the end-to-end
 * tests do; those keep the cases that need a process of its own (a FIFO it must not wait on, the
 * directory it runs from) and one of each untrusted-place table.
 */
const NOBODY = 65534;

const mode = (path: string): number => statSync(path).mode & 0o7777;

const IS_ROOT = process.getuid?.() === 0;
const NEEDS_ROOT = "giving a file to another user (chown) needs root";

test("KUBE_CREDENTIAL_CACHE_FILE naming a directory: one line naming it, exit 2, the directory untouched", async (t) => {
  const cache = useInProcessCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "dir-plugin");
  const kube = join(cache.sandbox.dir, "dot-kube");
  mkdirSync(kube, { mode: 0o755 });
  chmodSync(kube, 0o755);
  writeFileSync(join(kube, "config"), "apiVersion: v1\nkind: Config\n", { mode: 0o644 });

  const result = await cache.call([plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: kube } });
  assertRefused(result, /^kcc-cache: KUBE_CREDENTIAL_CACHE_FILE=".*dot-kube" is a directory/, plugin.runs());
  assert.equal(mode(kube).toString(8), "755", "kubectl can still read ~/.kube");
  assert.deepEqual(readdirSync(kube), ["config"], "nothing created inside it");
});

test("the default cache path holding a directory is refused the same way", async (t) => {
  const cache = useInProcessCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "default-dir");
  mkdirSync(cache.sandbox.cacheFile, { recursive: true });
  const result = await cache.call([plugin.path]);
  assertRefused(result, /the cache file .*cache\.json is a directory/, plugin.runs());
  assert.ok(lstatSync(cache.sandbox.cacheFile).isDirectory());
});

for (const [what, content, pattern] of [
  ["a kubeconfig", "apiVersion: v1\nkind: Config\nusers: []\n", /not a kcc-cache file/],
  [
    "another program's JSON",
    '{"auths":{"registry":{"auth":"c2VjcmV0"}}}\n',
    /JSON that is not a kcc-cache file/,
  ],
  [
    "the Go original's cache, away from the default path",
    '{"credentials":{"aws eks get-token":{}}}',
    /Go original/,
  ],
] as const) {
  test(`KUBE_CREDENTIAL_CACHE_FILE naming ${what}: refused, the file byte for byte and mode as it was`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "foreign-plugin");
    const file = join(cache.sandbox.dir, "their-file");
    writeFileSync(file, content, { mode: 0o644 });
    chmodSync(file, 0o644);
    const result = await cache.call([plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: file } });
    assertRefused(result, pattern, plugin.runs());
    assert.match(result.stderr, /KUBE_CREDENTIAL_CACHE_FILE=/);
    assert.equal(readFileSync(file, "utf8"), content);
    assert.equal(mode(file).toString(8), "644");
    assert.ok(!readdirSync(cache.sandbox.dir).includes("locks"), "no lock directory beside it");
  });
}

test("the Go original's cache at the default path is replaced (it is a kube-credential-cache file)", async (t) => {
  const cache = useInProcessCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "go-format");
  mkdirSync(dirname(cache.sandbox.cacheFile), { recursive: true, mode: 0o700 });
  writeFileSync(cache.sandbox.cacheFile, '{"credentials":{"aws eks get-token":{"kind":"ExecCredential"}}}', {
    mode: 0o600,
  });
  const miss = await cache.call([plugin.path]);
  assertOk(miss);
  assert.equal(miss.stderr, "");
  assertOk(await cache.call([plugin.path]));
  assert.equal(plugin.runs(), 1, "cached in our format, a hit the second time");
});

test("a null device as KUBE_CREDENTIAL_CACHE_FILE turns the cache off; another device is refused", async (t) => {
  const cache = useInProcessCache(t);
  const devnull = join(cache.sandbox.dir, "null");
  const zero = join(cache.sandbox.dir, "zero");
  const made = spawnSync("mknod", [devnull, "c", "1", "3"]).status === 0;
  if (!canSetUp(t, made, "mknod (a device node of the test's own) needs root")) return;
  assert.equal(spawnSync("mknod", [zero, "c", "1", "5"]).status, 0);
  chmodSync(devnull, 0o666);
  const plugin = writeFakePlugin(cache.sandbox, "null-plugin");

  const off = { env: { KUBE_CREDENTIAL_CACHE_FILE: devnull } };
  for (const n of [1, 2]) {
    const result = await cache.call([plugin.path], off);
    assertOk(result);
    assert.equal(result.stdout, plugin.output(n), "the plugin's credential, every time");
    assert.equal(result.stderr, "", "turning the cache off is not a problem to warn about");
  }
  assert.equal(plugin.runs(), 2, "nothing was cached");
  assert.ok(lstatSync(devnull).isCharacterDevice(), "still the null device");
  assert.equal(mode(devnull).toString(8), "666");
  assert.ok(!readdirSync(cache.sandbox.dir).includes("locks"), "no lock directory beside it");
  const status = await cache.call(["--status", "--json"], off);
  assert.equal((JSON.parse(status.stdout) as { file: { state: string } }).file.state, "off");
  const clear = await cache.call(["--clear"], off);
  assert.equal(clear.code, 0, `nothing to clear is not a failure: ${clear.stderr}`);
  assert.ok(lstatSync(devnull).isCharacterDevice(), "--clear left it alone too");

  const refused = await cache.call([plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: zero } });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /^kcc-cache: KUBE_CREDENTIAL_CACHE_FILE=".*zero" is a device, not a cache file/,
  );
  assert.ok(lstatSync(zero).isCharacterDevice());
});

test("a symlinked cache file is refused and its target neither chmodded nor replaced", async (t) => {
  const cache = useInProcessCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "link-plugin");
  assertOk(await cache.call([plugin.path]));
  const target = join(cache.sandbox.dir, "target.json");
  copyFileSync(cache.sandbox.cacheFile, target);
  chmodSync(target, 0o644);
  const before = readFileSync(target, "utf8");
  const link = join(cache.sandbox.dir, "link.json");
  symlinkSync(target, link);

  const result = await cache.call([plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: link } });
  assertRefused(result, /link\.json" is a symbolic link/, plugin.runs() - 1);
  assert.equal(mode(target).toString(8), "644", "the target's mode is not touched");
  assert.equal(readFileSync(target, "utf8"), before);
  assert.ok(lstatSync(link).isSymbolicLink(), "the link is still a link");
});

for (const [what, tamper, pattern] of [
  [
    "owned by another user",
    (file: string) => {
      chownSync(file, NOBODY, NOBODY);
    },
    /owned by another user \(uid 65534\)/,
  ],
  [
    "writable by other users",
    (file: string) => {
      chmodSync(file, 0o666);
    },
    /can be written by other users/,
  ],
] as const) {
  test(`a cache file ${what} is never served, never rewritten, and --status says so`, async (t) => {
    if (!canSetUp(t, IS_ROOT || !what.includes("another user"), NEEDS_ROOT)) return;
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "victim-plugin");
    await plantForgedCredential(cache, plugin.path);
    tamper(cache.sandbox.cacheFile);
    await assertPlantedFileIgnored(cache, plugin, pattern);
  });
}

for (const [what, prepare, pattern] of [
  [
    "a cache directory owned by another user",
    (sandbox: Sandbox) => {
      const shared = join(sandbox.dir, "shared");
      mkdirSync(shared, { mode: 0o755 });
      chownSync(shared, NOBODY, NOBODY);
      return { file: join(shared, "cache.json"), watched: shared };
    },
    /cache directory .*shared is owned by another user \(uid 65534\); credentials are not cached/,
  ],
  [
    "a cache directory anyone can write (as /tmp)",
    (sandbox: Sandbox) => {
      const shared = join(sandbox.dir, "tmp-like");
      mkdirSync(shared);
      chmodSync(shared, 0o1777);
      return { file: join(shared, "cache.json"), watched: shared };
    },
    /cache directory .*tmp-like can be written by other users \(mode 01777\)/,
  ],
  [
    "a lock directory owned by another user",
    (sandbox: Sandbox) => {
      const locks = join(dirname(sandbox.cacheFile), "locks");
      mkdirSync(locks, { recursive: true, mode: 0o700 });
      chownSync(locks, NOBODY, NOBODY);
      return { file: sandbox.cacheFile, watched: dirname(sandbox.cacheFile) };
    },
    /lock directory .*locks is owned by another user/,
  ],
] as const) {
  test(`${what}: served uncached with one line, nothing written there`, async (t) => {
    if (!canSetUp(t, IS_ROOT || !what.includes("another user"), NEEDS_ROOT)) return;
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "shared-plugin");
    const { file, watched } = prepare(cache.sandbox);
    const before = readdirSync(watched, { recursive: true }).sort();
    await assertNeverCachedAt(cache, plugin, file, pattern);
    assert.deepEqual(readdirSync(watched, { recursive: true }).sort(), before, "nothing created there");
  });
}

test("a link planted as the served log is never written through", async (t) => {
  const cache = useInProcessCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "marker-plugin");
  const env = { KUBERNETES_EXEC_INFO: execInfo() };
  assertOk(await cache.call([plugin.path], { env }));
  const locks = join(dirname(cache.sandbox.cacheFile), "locks");
  const markers = readdirSync(locks).filter((name) => name.endsWith(".callers"));
  assert.equal(markers.length, 1, "the first call logged whom it served");
  const victim = join(cache.sandbox.dir, "victim-file");
  writeFileSync(victim, "precious\n", { mode: 0o644 });
  const marker = join(locks, markers[0] ?? "");
  unlinkSync(marker);
  symlinkSync(victim, marker);

  const hit = await cache.call([plugin.path], { env });
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1), "still a hit");
  assert.equal(readFileSync(victim, "utf8"), "precious\n", "the link's target is untouched");
  assert.ok(lstatSync(marker).isSymbolicLink());
});

test("temporary copies left by a killed writer are counted by --status and removed by the next write and --clear", async (t) => {
  const cache = useInProcessCache(t);
  const cacheFile = cache.sandbox.cacheFile;
  const plugin = writeFakePlugin(cache.sandbox, "temp-plugin");
  assertOk(await cache.call([plugin.path, "a"]));
  const leftover = join(dirname(cacheFile), ".cache.json.4242.k1ll3d.tmp");
  const plantLeftover = (): void => {
    copyFileSync(cacheFile, leftover);
  };
  const leftovers = (): string[] => readdirSync(dirname(cacheFile)).filter((n) => n.endsWith(".tmp"));

  plantLeftover();
  const status = await cache.call(["--status", "--json"]);
  const report = JSON.parse(status.stdout) as { file: { leftoverTempFiles: number; entries: number } };
  assert.equal(report.file.leftoverTempFiles, 1);
  assert.equal(report.file.entries, 1);
  assert.match((await cache.call(["--status"])).stdout, /1 leftover temporary copy holding credentials/);

  assertOk(await cache.call([plugin.path, "b"]));
  assert.deepEqual(leftovers(), [], "the next write removed it");

  plantLeftover();
  const clear = await cache.call(["--clear"]);
  assertOk(clear);
  assert.deepEqual(leftovers(), [], "--clear removed it");
  const after = JSON.parse((await cache.call(["--status", "--json"])).stdout) as typeof report;
  assert.equal(after.file.leftoverTempFiles, 0);
});
