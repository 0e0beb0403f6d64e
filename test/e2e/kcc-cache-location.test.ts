import { skipOrFailUnderCi } from "./support/skip.js";
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
import { test, type TestContext } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, execInfo, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
import { run, type RunResult } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";

/**
 * kcc-cache changes only what is provably its own cache, and trusts nothing another user could have
 * planted (docs/cache-location.md). These tests run as root, who ignores file modes, so "another
 * user" is the real user nobody, owning files chowned to it.
 */
const NOBODY = 65534;

const mode = (path: string): number => statSync(path).mode & 0o7777;

/** A one-line refusal naming what to fix, exit 2, the plugin never run. */
function assertRefused(result: RunResult, pattern: RegExp, runs: number): void {
  assert.equal(result.code, 2, result.stderr);
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", pattern);
  assert.equal(result.stdout, "");
  assert.equal(runs, 0, "the plugin did not run");
}

/** Served by the plugin, uncached, with exactly one warning line. */
function assertServedUncached(result: RunResult, expected: string, pattern: RegExp): void {
  assertOk(result);
  assert.equal(result.stdout, expected);
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", pattern);
}

/** Skips with the reason where this machine cannot set the scene; under CI that is a failure. */
function canSetUp(t: TestContext, works: boolean, reason: string): boolean {
  if (!works) skipOrFailUnderCi(t, reason);
  return works;
}

const IS_ROOT = process.getuid?.() === 0;
const NEEDS_ROOT = "giving a file to another user (chown) needs root";

test("KUBE_CREDENTIAL_CACHE_FILE naming a directory: one line naming it, exit 2, the directory untouched", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "dir-plugin");
  const kube = join(sandbox.dir, "dot-kube");
  mkdirSync(kube, { mode: 0o755 });
  chmodSync(kube, 0o755);
  writeFileSync(join(kube, "config"), "apiVersion: v1\nkind: Config\n", { mode: 0o644 });

  const result = await kccCache(sandbox, [plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: kube } });
  assertRefused(result, /^kcc-cache: KUBE_CREDENTIAL_CACHE_FILE=".*dot-kube" is a directory/, plugin.runs());
  assert.equal(mode(kube).toString(8), "755", "kubectl can still read ~/.kube");
  assert.deepEqual(readdirSync(kube), ["config"], "nothing created inside it");
});

test("the default cache path holding a directory is refused the same way", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "default-dir");
  mkdirSync(sandbox.cacheFile, { recursive: true });
  const result = await kccCache(sandbox, [plugin.path]);
  assertRefused(result, /the cache file .*cache\.json is a directory/, plugin.runs());
  assert.ok(lstatSync(sandbox.cacheFile).isDirectory());
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
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "foreign-plugin");
    const file = join(sandbox.dir, "their-file");
    writeFileSync(file, content, { mode: 0o644 });
    chmodSync(file, 0o644);
    const result = await kccCache(sandbox, [plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: file } });
    assertRefused(result, pattern, plugin.runs());
    assert.match(result.stderr, /KUBE_CREDENTIAL_CACHE_FILE=/);
    assert.equal(readFileSync(file, "utf8"), content);
    assert.equal(mode(file).toString(8), "644");
    assert.ok(!readdirSync(sandbox.dir).includes("locks"), "no lock directory beside it");
  });
}

test("the Go original's cache at the default path is replaced (it is a kube-credential-cache file)", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "go-format");
  mkdirSync(dirname(sandbox.cacheFile), { recursive: true, mode: 0o700 });
  writeFileSync(sandbox.cacheFile, '{"credentials":{"aws eks get-token":{"kind":"ExecCredential"}}}', {
    mode: 0o600,
  });
  const miss = await kccCache(sandbox, [plugin.path]);
  assertOk(miss);
  assert.equal(miss.stderr, "");
  assertOk(await kccCache(sandbox, [plugin.path]));
  assert.equal(plugin.runs(), 1, "cached in our format, a hit the second time");
});

test("a null device as KUBE_CREDENTIAL_CACHE_FILE turns the cache off; another device is refused", async (t) => {
  const sandbox = useSandbox(t);
  const devnull = join(sandbox.dir, "null");
  const zero = join(sandbox.dir, "zero");
  const made = spawnSync("mknod", [devnull, "c", "1", "3"]).status === 0;
  if (!canSetUp(t, made, "mknod (a device node of the test's own) needs root")) return;
  assert.equal(spawnSync("mknod", [zero, "c", "1", "5"]).status, 0);
  chmodSync(devnull, 0o666);
  const plugin = writeFakePlugin(sandbox, "null-plugin");

  for (const n of [1, 2]) {
    const result = await kccCache(sandbox, [plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: devnull } });
    assertOk(result);
    assert.equal(result.stdout, plugin.output(n), "the plugin's credential, every time");
    assert.equal(result.stderr, "", "turning the cache off is not a problem to warn about");
  }
  assert.equal(plugin.runs(), 2, "nothing was cached");
  assert.ok(lstatSync(devnull).isCharacterDevice(), "still the null device");
  assert.equal(mode(devnull).toString(8), "666");
  assert.ok(!readdirSync(sandbox.dir).includes("locks"), "no lock directory beside it");
  const off = { env: { KUBE_CREDENTIAL_CACHE_FILE: devnull } };
  const status = await kccCache(sandbox, ["--status", "--json"], off);
  assert.equal((JSON.parse(status.stdout) as { file: { state: string } }).file.state, "off");
  const clear = await kccCache(sandbox, ["--clear"], off);
  assert.equal(clear.code, 0, `nothing to clear is not a failure: ${clear.stderr}`);
  assert.ok(lstatSync(devnull).isCharacterDevice(), "--clear left it alone too");

  const refused = await kccCache(sandbox, [plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: zero } });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /^kcc-cache: KUBE_CREDENTIAL_CACHE_FILE=".*zero" is a device, not a cache file/,
  );
  assert.ok(lstatSync(zero).isCharacterDevice());
});

test("a symlinked cache file is refused and its target neither chmodded nor replaced", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "link-plugin");
  assertOk(await kccCache(sandbox, [plugin.path]));
  const target = join(sandbox.dir, "target.json");
  copyFileSync(sandbox.cacheFile, target);
  chmodSync(target, 0o644);
  const before = readFileSync(target, "utf8");
  const link = join(sandbox.dir, "link.json");
  symlinkSync(target, link);

  const result = await kccCache(sandbox, [plugin.path], { env: { KUBE_CREDENTIAL_CACHE_FILE: link } });
  assertRefused(result, /link\.json" is a symbolic link/, plugin.runs() - 1);
  assert.equal(mode(target).toString(8), "644", "the target's mode is not touched");
  assert.equal(readFileSync(target, "utf8"), before);
  assert.ok(lstatSync(link).isSymbolicLink(), "the link is still a link");
});

test("a FIFO as KUBE_CREDENTIAL_CACHE_FILE is refused at once, never waited on", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "fifo-plugin");
  const fifo = join(sandbox.dir, "fifo");
  const made = spawnSync("mkfifo", [fifo]).status === 0;
  if (!canSetUp(t, made, "mkfifo failed")) return;
  // Run directly (no shell in between) so that a hang is killed at the timeout and fails on the exit code.
  const result = await run(kccBin("kcc-cache"), [plugin.path], {
    env: { ...sandbox.env, KUBE_CREDENTIAL_CACHE_FILE: fifo },
    timeoutMs: 20_000,
  });
  assertRefused(result, /fifo" is a FIFO, not a cache file/, plugin.runs());
  assert.ok(lstatSync(fifo).isFIFO());
});

test("a relative KUBE_CREDENTIAL_CACHE_FILE is refused: nothing lands in the directory kubectl runs from", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "relative-plugin");
  const cwd = join(sandbox.dir, "project");
  mkdirSync(cwd);
  const result = await run(kccBin("kcc-cache"), [plugin.path], {
    env: { ...sandbox.env, KUBE_CREDENTIAL_CACHE_FILE: "cache.json" },
    cwd,
  });
  assertRefused(result, /KUBE_CREDENTIAL_CACHE_FILE="cache\.json" must be an absolute path/, plugin.runs());
  assert.deepEqual(readdirSync(cwd), []);
});

/** Caches one credential, then plants a forged one for the same key in the cache file. */
async function plantForgedCredential(sandbox: Sandbox, pluginPath: string): Promise<void> {
  assertOk(await kccCache(sandbox, [pluginPath]));
  const document = JSON.parse(readFileSync(sandbox.cacheFile, "utf8")) as {
    entries: Record<string, { credential: string }>;
  };
  for (const entry of Object.values(document.entries))
    entry.credential = entry.credential.replace(/"token":"[^"]*"/, '"token":"forged-by-someone-else"');
  writeFileSync(sandbox.cacheFile, JSON.stringify(document));
}

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
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "victim-plugin");
    await plantForgedCredential(sandbox, plugin.path);
    tamper(sandbox.cacheFile);
    const planted = readFileSync(sandbox.cacheFile, "utf8");

    const result = await kccCache(sandbox, [plugin.path]);
    assertServedUncached(result, plugin.output(2), pattern);
    assert.ok(!result.stdout.includes("forged"), "the planted credential is not served");
    assert.equal(readFileSync(sandbox.cacheFile, "utf8"), planted, "nor is their file rewritten");

    const status = await kccCache(sandbox, ["--status", "--json"]);
    assertOk(status);
    const report = JSON.parse(status.stdout) as { file: { state: string; problem?: string } };
    assert.equal(report.file.state, "untrusted");
    assert.match(report.file.problem ?? "", pattern);
    const list = await kccCache(sandbox, ["--list"]);
    assert.equal(list.stdout, "no cached credentials\n");
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
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "shared-plugin");
    const { file, watched } = prepare(sandbox);
    const before = readdirSync(watched, { recursive: true }).sort();
    for (const n of [1, 2]) {
      const result = await kccCache(sandbox, [plugin.path], {
        env: { KUBE_CREDENTIAL_CACHE_FILE: file, KUBERNETES_EXEC_INFO: execInfo() },
      });
      assertServedUncached(result, plugin.output(n), pattern);
    }
    assert.equal(plugin.runs(), 2, "nothing cached");
    assert.deepEqual(readdirSync(watched, { recursive: true }).sort(), before, "nothing created there");
  });
}

test("a link planted as the served log is never written through", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "marker-plugin");
  const env = { KUBERNETES_EXEC_INFO: execInfo() };
  assertOk(await kccCache(sandbox, [plugin.path], { env }));
  const locks = join(dirname(sandbox.cacheFile), "locks");
  const markers = readdirSync(locks).filter((name) => name.endsWith(".callers"));
  assert.equal(markers.length, 1, "the first call logged whom it served");
  const victim = join(sandbox.dir, "victim-file");
  writeFileSync(victim, "precious\n", { mode: 0o644 });
  const marker = join(locks, markers[0] ?? "");
  unlinkSync(marker);
  symlinkSync(victim, marker);

  const hit = await kccCache(sandbox, [plugin.path], { env });
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1), "still a hit");
  assert.equal(readFileSync(victim, "utf8"), "precious\n", "the link's target is untouched");
  assert.ok(lstatSync(marker).isSymbolicLink());
});

test("temporary copies left by a killed writer are counted by --status and removed by the next write and --clear", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "temp-plugin");
  assertOk(await kccCache(sandbox, [plugin.path, "a"]));
  const leftover = join(dirname(sandbox.cacheFile), ".cache.json.4242.k1ll3d.tmp");
  const plantLeftover = (): void => {
    copyFileSync(sandbox.cacheFile, leftover);
  };
  const leftovers = (): string[] => readdirSync(dirname(sandbox.cacheFile)).filter((n) => n.endsWith(".tmp"));

  plantLeftover();
  const status = await kccCache(sandbox, ["--status", "--json"]);
  const report = JSON.parse(status.stdout) as { file: { leftoverTempFiles: number; entries: number } };
  assert.equal(report.file.leftoverTempFiles, 1);
  assert.equal(report.file.entries, 1);
  assert.match(
    (await kccCache(sandbox, ["--status"])).stdout,
    /1 leftover temporary copy holding credentials/,
  );

  assertOk(await kccCache(sandbox, [plugin.path, "b"]));
  assert.deepEqual(leftovers(), [], "the next write removed it");

  plantLeftover();
  const clear = await kccCache(sandbox, ["--clear"]);
  assertOk(clear);
  assert.deepEqual(leftovers(), [], "--clear removed it");
  const after = JSON.parse((await kccCache(sandbox, ["--status", "--json"])).stdout) as typeof report;
  assert.equal(after.file.leftoverTempFiles, 0);
});
