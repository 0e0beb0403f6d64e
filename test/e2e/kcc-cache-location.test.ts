import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { installedCache, useSandbox } from "./support/kcc-cache.js";
import { run } from "./support/run.js";
import { kccBin } from "./support/sandbox.js";
import { canSetUp } from "./support/skip.js";
import {
  assertNeverCachedAt,
  assertPlantedFileIgnored,
  assertRefused,
  plantForgedCredential,
} from "./support/untrusted-cache.js";

/**
 * kcc-cache changes only what is provably its own cache, and trusts nothing another user could have
 * planted (docs/cache-location.md). The table of places it refuses or distrusts runs in-process
 * (test/unit/cache-location-in-process.test.ts); these are the cases that need a process of its own
 * (a FIFO it must not hang on, the directory it runs from) and one untrusted file and directory, proving
 * the installed command judges with its own uid and modes. They run as root, who ignores file modes,
 * so "another user" is the real user nobody, owning files chowned to it.
 */
const NOBODY = 65534;

const IS_ROOT = process.getuid?.() === 0;

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

test("a cache file owned by another user is never served, never rewritten, and --status says so", async (t) => {
  if (!canSetUp(t, IS_ROOT, "giving a file to another user (chown) needs root")) return;
  const cache = installedCache(useSandbox(t));
  const plugin = writeFakePlugin(cache.sandbox, "victim-plugin");
  await plantForgedCredential(cache, plugin.path);
  chownSync(cache.sandbox.cacheFile, NOBODY, NOBODY);
  await assertPlantedFileIgnored(cache, plugin, /owned by another user \(uid 65534\)/);
});

test("a cache directory anyone can write (as /tmp): served uncached with one line, nothing written there", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "shared-plugin");
  const shared = join(sandbox.dir, "tmp-like");
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  await assertNeverCachedAt(
    installedCache(sandbox),
    plugin,
    join(shared, "cache.json"),
    /cache directory .*tmp-like can be written by other users \(mode 01777\)/,
  );
  assert.deepEqual(readdirSync(shared, { recursive: true }), [], "nothing created there");
});
