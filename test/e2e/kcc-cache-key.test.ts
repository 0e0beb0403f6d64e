import assert from "node:assert/strict";
import { test } from "node:test";
import { API_V1, writeFakePlugin, type FakePlugin } from "./support/fake-plugin.js";
import {
  assertOk,
  clusterInfo,
  execInfo,
  kccCache,
  useSandbox,
  type CacheCall,
} from "./support/kcc-cache.js";
import type { Sandbox } from "./support/sandbox.js";

interface Variant {
  argv: (plugin: FakePlugin) => string[];
  env?: Record<string, string | undefined>;
}

/**
 * Calls A, then B, then A and B again. When A and B are separate cache entries, B runs the plugin
 * (it must not be served A's credential) and the repeats are hits serving each its own credential.
 * Returns the run count after the four calls: 2 when separated, 1 when B shares A's entry.
 */
async function separates(sandbox: Sandbox, plugin: FakePlugin, a: Variant, b: Variant): Promise<boolean> {
  const call = async (variant: Variant): Promise<string> => {
    const options: CacheCall = variant.env === undefined ? {} : { env: variant.env };
    const result = await kccCache(sandbox, variant.argv(plugin), options);
    assertOk(result);
    return result.stdout;
  };
  const firstA = await call(a);
  const firstB = await call(b);
  const againA = await call(a);
  const againB = await call(b);
  assert.equal(againA, firstA, "A is served from its own entry");
  assert.equal(againB, firstB, "B is served from its own entry");
  const runs = plugin.runs();
  assert.ok(runs === 1 || runs === 2, `expected 1 or 2 plugin runs, got ${runs}`);
  if (runs === 2) assert.notEqual(firstA, firstB);
  return runs === 2;
}

const plain = (...args: string[]): Variant => ({ argv: (plugin) => [plugin.path, ...args] });
const withEnv = (env: Record<string, string | undefined>, ...args: string[]): Variant => ({
  argv: (plugin) => [plugin.path, ...args],
  env,
});

/**
 * The whole table of which calls share an entry runs in-process (test/unit/cache-key-in-process.test.ts).
 * These cases prove the installed command's wiring: its argv reaches the key with each argument's
 * boundaries, its environment's identity variables do, and the rest of its environment does not.
 */
test('the cache key separates entries by ["a b"] versus ["a","b"]', async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "key-plugin");
  assert.equal(
    await separates(sandbox, plugin, plain("a b"), plain("a", "b")),
    true,
    "argument boundaries must give separate entries",
  );
});

test("the cache key separates entries by AWS_PROFILE", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "key-plugin");
  const a = withEnv({ AWS_PROFILE: "dev" });
  const b = withEnv({ AWS_PROFILE: "prod" });
  assert.equal(await separates(sandbox, plugin, a, b), true, "AWS_PROFILE must give separate entries");
});

test("the cache key ignores a variable that is not in the default list", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "shared-plugin");
  const a = withEnv({ UNLISTED_SETTING: "one" });
  const b = withEnv({ UNLISTED_SETTING: "two" });
  assert.equal(
    await separates(sandbox, plugin, a, b),
    false,
    "an unlisted variable must not split the entry",
  );
});

test("the key shown in debug output is readable and starts with user and server", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "debug-key-plugin");
  const result = await kccCache(sandbox, [plugin.path, "get-token"], {
    env: {
      KUBE_CREDENTIAL_CACHE_DEBUG: "1",
      KUBE_CREDENTIAL_CACHE_USER: "alice@prod",
      AWS_PROFILE: "prod",
      KUBERNETES_EXEC_INFO: execInfo(API_V1, { cluster: clusterInfo() }),
    },
  });
  assertOk(result);
  const keyLine = result.stderr.split("\n").find((line) => /\bkey: /.test(line));
  assert.ok(keyLine !== undefined, `a debug line shows the key:\n${result.stderr}`);
  const key = keyLine.slice(keyLine.indexOf("key: ") + "key: ".length);
  assert.match(key, /^user="alice@prod" server="https:\/\/cluster-a\.example:443"/);
  for (const part of ["get-token", "AWS_PROFILE", "prod", API_V1]) assert.ok(key.includes(part), part);
});
