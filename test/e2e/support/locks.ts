import { missingCommands, skipOrFailUnderCi } from "./skip.js";
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";
import type { FakePlugin } from "./fake-plugin.js";
import { assertOk, startKccCache } from "./kcc-cache.js";
import type { Sandbox } from "./sandbox.js";

/** Where kcc-cache keeps its refresh locks in this sandbox. */
export function locksDirectory(sandbox: Sandbox): string {
  return join(dirname(sandbox.cacheFile), "locks");
}

/**
 * The file name of the refresh lock kcc-cache takes for `plugin`, seen while a first call holds it:
 * that call runs against a throwaway cache file (a lock's name depends on the cache key only), and
 * the plugin's gate, closed until then, is left open for the calls that follow.
 */
export async function refreshLockName(sandbox: Sandbox, plugin: FakePlugin, gate: string): Promise<string> {
  const directory = join(sandbox.dir, "lock-name-discovery");
  const call = startKccCache(sandbox, [plugin.path], {
    env: { KUBE_CREDENTIAL_CACHE_FILE: join(directory, "cache.json") },
  });
  try {
    await plugin.waitForRuns(plugin.runs() + 1);
    const [name, ...others] = lockLeftovers(join(directory, "locks"));
    if (name === undefined || others.length > 0)
      throw new Error(`not one refresh lock: ${[name, ...others].join(", ")}`);
    return name;
  } finally {
    writeFileSync(gate, "");
    assertOk(await call.result);
  }
}

/** Lock files and lock temp files in a directory (none must stay behind once every kcc-cache is done). */
export function lockLeftovers(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names.filter((name) => name.endsWith(".lock") || name.endsWith(".tmp"));
}

const NAMESPACE_TOOLS = ["unshare", "mount", "dd", "timeout"];

/**
 * Whether this test can mount a private tmpfs (as root, in a mount namespace of its own). SKIPPED
 * with the reason when it cannot; under CI=true that is a failure.
 */
export function requirePrivateTmpfs(t: TestContext, probeDirectory: string): boolean {
  const missing = missingCommands(NAMESPACE_TOOLS);
  let reason: string | undefined;
  if (missing.length > 0) reason = `missing ${missing.join(", ")}`;
  else {
    const probe = spawnSync(
      "unshare",
      ["-m", "sh", "-c", 'mount -t tmpfs -o size=64k tmpfs "$0"', probeDirectory],
      { encoding: "utf8" },
    );
    if (probe.status !== 0) reason = `unshare -m + mount -t tmpfs not permitted: ${probe.stderr.trim()}`;
  }
  if (reason === undefined) return true;
  skipOrFailUnderCi(t, `no private tmpfs to fill up (${reason}; needs root and util-linux)`);
  return false;
}
