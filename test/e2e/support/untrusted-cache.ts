import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import type { FakePlugin } from "./fake-plugin.js";
import { assertOk, execInfo, stderrLines, type CacheResult, type CacheUnderTest } from "./kcc-cache.js";

/**
 * What kcc-cache does with a cache place it must not use (docs/cache-location.md), the same whether
 * the installed command or runCache meets it.
 */

/** A one-line refusal naming what to fix, exit 2, the plugin never run. */
export function assertRefused(result: CacheResult, pattern: RegExp, runs: number): void {
  assert.equal(result.code, 2, result.stderr);
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", pattern);
  assert.equal(result.stdout, "");
  assert.equal(runs, 0, "the plugin did not run");
}

/** Served by the plugin, uncached, with exactly one warning line. */
function assertServedUncached(result: CacheResult, expected: string, pattern: RegExp): void {
  assertOk(result);
  assert.equal(result.stdout, expected);
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", pattern);
}

/** Caches one credential, then plants a forged one for the same key in the cache file. */
export async function plantForgedCredential(cache: CacheUnderTest, pluginPath: string): Promise<void> {
  assertOk(await cache.call([pluginPath]));
  const document = JSON.parse(readFileSync(cache.sandbox.cacheFile, "utf8")) as {
    entries: Record<string, { credential: string }>;
  };
  for (const entry of Object.values(document.entries))
    entry.credential = entry.credential.replace(/"token":"[^"]*"/, '"token":"forged-by-someone-else"');
  writeFileSync(cache.sandbox.cacheFile, JSON.stringify(document));
}

/**
 * With a forged credential planted (plantForgedCredential) in a cache file kcc-cache must not trust:
 * the plugin serves the second credential with the one warning line `pattern` matches, the file is left
 * as it is, --status says why, and --list shows nothing.
 */
export async function assertPlantedFileIgnored(
  cache: CacheUnderTest,
  plugin: FakePlugin,
  pattern: RegExp,
): Promise<void> {
  const planted = readFileSync(cache.sandbox.cacheFile, "utf8");
  const result = await cache.call([plugin.path]);
  assertServedUncached(result, plugin.output(2), pattern);
  assert.ok(!result.stdout.includes("forged"), "the planted credential is not served");
  assert.equal(readFileSync(cache.sandbox.cacheFile, "utf8"), planted, "nor is their file rewritten");

  const status = await cache.call(["--status", "--json"]);
  assert.equal(status.code, 3, `--status: nothing would be cached: ${status.stderr}`);
  const report = JSON.parse(status.stdout) as { cached: boolean; file: { state: string; problem?: string } };
  assert.equal(report.cached, false);
  assert.equal(report.file.state, "untrusted");
  assert.match(report.file.problem ?? "", pattern);
  const list = await cache.call(["--list"]);
  assert.equal(list.stdout, "no cached credentials\n");
}

/** Two calls with the cache file at `file`: each served by the plugin with one warning line, nothing cached. */
export async function assertNeverCachedAt(
  cache: CacheUnderTest,
  plugin: FakePlugin,
  file: string,
  pattern: RegExp,
): Promise<void> {
  for (const n of [1, 2]) {
    const result = await cache.call([plugin.path], {
      env: { KUBE_CREDENTIAL_CACHE_FILE: file, KUBERNETES_EXEC_INFO: execInfo() },
    });
    assertServedUncached(result, plugin.output(n), pattern);
  }
  assert.equal(plugin.runs(), 2, "nothing cached");
}
