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
import { plain, separates, withEnv, type CallVariant } from "./support/key-separation.js";
import type { Sandbox } from "./support/sandbox.js";

/** The installed command, as kubectl runs it, with a variant's arguments and environment. */
function callThrough(sandbox: Sandbox, plugin: FakePlugin): CallVariant {
  return async (variant) => {
    const options: CacheCall = variant.env === undefined ? {} : { env: variant.env };
    const result = await kccCache(sandbox, variant.argv(plugin), options);
    assertOk(result);
    return result.stdout;
  };
}

/**
 * The whole table of which calls share an entry runs in-process (test/unit/cache-key-in-process.test.ts).
 * These cases prove the installed command's wiring: its argv reaches the key with each argument's
 * boundaries, its environment's identity variables do, and the rest of its environment does not.
 */
test('the cache key separates entries by ["a b"] versus ["a","b"]', async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "key-plugin");
  assert.equal(
    await separates(callThrough(sandbox, plugin), plugin, plain("a b"), plain("a", "b")),
    true,
    "argument boundaries must give separate entries",
  );
});

test("the cache key separates entries by AWS_PROFILE", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "key-plugin");
  const a = withEnv({ AWS_PROFILE: "dev" });
  const b = withEnv({ AWS_PROFILE: "prod" });
  assert.equal(
    await separates(callThrough(sandbox, plugin), plugin, a, b),
    true,
    "AWS_PROFILE must give separate entries",
  );
});

test("the cache key ignores a variable that is not in the default list", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "shared-plugin");
  const a = withEnv({ UNLISTED_SETTING: "one" });
  const b = withEnv({ UNLISTED_SETTING: "two" });
  assert.equal(
    await separates(callThrough(sandbox, plugin), plugin, a, b),
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
