import { skipOrFailUnderCi } from "./support/skip.js";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, execInfo, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
import { run, type RunResult } from "./support/run.js";
import { kccBin } from "./support/sandbox.js";

/**
 * kcc-cache changes only what is provably its own cache, and trusts nothing another user could have
 * planted (docs/cache-location.md). The table of places it refuses or distrusts runs in-process
 * (test/unit/cache-location-in-process.test.ts); these are the cases that need a process of its own
 * (a FIFO it must not hang on, the directory it runs from) and one untrusted file and directory, proving
 * the installed command judges with its own uid and modes. They run as root, who ignores file modes,
 * so "another user" is the real user nobody, owning files chowned to it.
 */
const NOBODY = 65534;

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
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "victim-plugin");
  assertOk(await kccCache(sandbox, [plugin.path]));
  const document = JSON.parse(readFileSync(sandbox.cacheFile, "utf8")) as {
    entries: Record<string, { credential: string }>;
  };
  for (const entry of Object.values(document.entries))
    entry.credential = entry.credential.replace(/"token":"[^"]*"/, '"token":"forged-by-someone-else"');
  writeFileSync(sandbox.cacheFile, JSON.stringify(document));
  chownSync(sandbox.cacheFile, NOBODY, NOBODY);
  const planted = readFileSync(sandbox.cacheFile, "utf8");
  const pattern = /owned by another user \(uid 65534\)/;

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

test("a cache directory anyone can write (as /tmp): served uncached with one line, nothing written there", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "shared-plugin");
  const shared = join(sandbox.dir, "tmp-like");
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  for (const n of [1, 2]) {
    const result = await kccCache(sandbox, [plugin.path], {
      env: { KUBE_CREDENTIAL_CACHE_FILE: join(shared, "cache.json"), KUBERNETES_EXEC_INFO: execInfo() },
    });
    assertServedUncached(
      result,
      plugin.output(n),
      /cache directory .*tmp-like can be written by other users \(mode 01777\)/,
    );
  }
  assert.equal(plugin.runs(), 2, "nothing cached");
  assert.deepEqual(readdirSync(shared, { recursive: true }), [], "nothing created there");
});
