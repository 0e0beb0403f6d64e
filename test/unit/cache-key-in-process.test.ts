import assert from "node:assert/strict";
import { test } from "node:test";
import { API_V1, API_V1BETA1, writeFakePlugin, type FakePlugin } from "../e2e/support/fake-plugin.js";
import { clusterInfo, execInfo } from "../e2e/support/kcc-cache.js";
import { plain, separates, withEnv, type CallVariant, type Variant } from "../e2e/support/key-separation.js";
import { useInProcessCache, type InProcessCache } from "./support/in-process-cache.js";

/**
 * Which calls share a cache entry and which do not, case by case, through kcc-cache as a function with
 * a real plugin script. test/e2e/kcc-cache-key.test.ts keeps a few of these cases on the installed command,
 * to prove that its argv and environment reach the key.
 */

/** kcc-cache in-process, with a variant's arguments and environment. */
function callThrough(cache: InProcessCache, plugin: FakePlugin): CallVariant {
  return async (variant) => {
    const result = await cache.call(
      variant.argv(plugin),
      variant.env === undefined ? {} : { env: variant.env },
    );
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
}

const separatingCases: { name: string; a: Variant; b: Variant }[] = [
  { name: "an added argument", a: plain("get-token"), b: plain("get-token", "--cluster-name", "b") },
  { name: "a changed argument", a: plain("--cluster-name", "a"), b: plain("--cluster-name", "b") },
  { name: "argument order", a: plain("x", "y"), b: plain("y", "x") },
  { name: '["a b"] versus ["a","b"]', a: plain("a b"), b: plain("a", "b") },
  { name: "an argument that looks like key syntax", a: plain('a" server="x'), b: plain("a", "server=x") },
  { name: "an empty argument", a: plain("x"), b: plain("x", "") },
  { name: "AWS_PROFILE", a: withEnv({ AWS_PROFILE: "dev" }), b: withEnv({ AWS_PROFILE: "prod" }) },
  { name: "AWS_PROFILE set versus unset", a: withEnv({}), b: withEnv({ AWS_PROFILE: "prod" }) },
  { name: "AWS_REGION", a: withEnv({ AWS_REGION: "eu-west-1" }), b: withEnv({ AWS_REGION: "us-east-1" }) },
  { name: "AWS_VAULT", a: withEnv({ AWS_VAULT: "dev" }), b: withEnv({ AWS_VAULT: "prod" }) },
  {
    name: "KUBE_CREDENTIAL_CACHE_USER without cluster info",
    a: withEnv({ KUBE_CREDENTIAL_CACHE_USER: "alice" }),
    b: withEnv({ KUBE_CREDENTIAL_CACHE_USER: "bob" }),
  },
  {
    name: "KUBE_CREDENTIAL_CACHE_USER with cluster info",
    a: withEnv({
      KUBE_CREDENTIAL_CACHE_USER: "alice",
      KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo() }),
    }),
    b: withEnv({
      KUBE_CREDENTIAL_CACHE_USER: "bob",
      KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo() }),
    }),
  },
  {
    // The Go original keyed on user+server alone here and served one profile's token for another.
    name: "AWS_PROFILE even when user and server are known",
    a: withEnv({
      KUBE_CREDENTIAL_CACHE_USER: "alice",
      AWS_PROFILE: "dev",
      KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo() }),
    }),
    b: withEnv({
      KUBE_CREDENTIAL_CACHE_USER: "alice",
      AWS_PROFILE: "prod",
      KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo() }),
    }),
  },
  {
    name: "arguments even when user and server are known",
    a: {
      ...withEnv({
        KUBE_CREDENTIAL_CACHE_USER: "alice",
        KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo() }),
      }),
      argv: (plugin) => [plugin.path, "--profile", "dev"],
    },
    b: {
      ...withEnv({
        KUBE_CREDENTIAL_CACHE_USER: "alice",
        KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo() }),
      }),
      argv: (plugin) => [plugin.path, "--profile", "prod"],
    },
  },
  {
    name: "the apiVersion requested in KUBERNETES_EXEC_INFO",
    a: withEnv({ KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1) }),
    b: withEnv({ KUBERNETES_EXEC_INFO: execInfo(API_V1) }),
  },
  {
    name: "KUBERNETES_EXEC_INFO absent versus present",
    a: withEnv({}),
    b: withEnv({ KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1) }),
  },
  ...(
    [
      ["server", "https://cluster-b.example:443"],
      ["tls-server-name", "other.example"],
      ["insecure-skip-tls-verify", true],
      ["certificate-authority-data", "Q0EtQg=="],
      ["proxy-url", "http://proxy.example:3128"],
      ["config", { audience: "other" }],
    ] as const
  ).map(([field, value]) => ({
    name: `spec.cluster.${field}`,
    a: withEnv({ KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo() }) }),
    b: withEnv({ KUBERNETES_EXEC_INFO: execInfo(API_V1BETA1, { cluster: clusterInfo({ [field]: value }) }) }),
  })),
  // The list is split on commas and each name trimmed: both names are in the key.
  ...["TEAM_TOKEN_PROFILE", "TENANT"].map((name) => ({
    name: `${name} from a custom KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST with spaces around names`,
    a: withEnv({ KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST: " TEAM_TOKEN_PROFILE ,  TENANT,", [name]: "one" }),
    b: withEnv({ KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST: " TEAM_TOKEN_PROFILE ,  TENANT,", [name]: "two" }),
  })),
];

for (const { name, a, b } of separatingCases) {
  test(`the cache key separates entries by ${name}`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "key-plugin");
    assert.equal(
      await separates(callThrough(cache, plugin), plugin, a, b),
      true,
      `${name} must give separate entries`,
    );
  });
}

test("the cache key separates entries by the command", async (t) => {
  const cache = useInProcessCache(t);
  const first = writeFakePlugin(cache.sandbox, "plugin-one");
  const second = writeFakePlugin(cache.sandbox, "plugin-two");
  const one = await cache.call([first.path, "get-token"]);
  const two = await cache.call([second.path, "get-token"]);
  assert.equal(one.stdout, first.output(1));
  assert.equal(two.stdout, second.output(1), "the second command gets its own plugin's credential");
  assert.equal((await cache.call([first.path, "get-token"])).stdout, first.output(1));
  assert.equal((await cache.call([second.path, "get-token"])).stdout, second.output(1));
  assert.deepEqual([first.runs(), second.runs()], [1, 1]);
});

const sharingCases: { name: string; a: Variant; b: Variant }[] = [
  {
    name: "a variable that is not in the default list",
    a: withEnv({ UNLISTED_SETTING: "one" }),
    b: withEnv({ UNLISTED_SETTING: "two" }),
  },
  {
    name: "a variable that is not in a custom list",
    a: withEnv({ KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST: "TENANT", TENANT: "t", UNLISTED_SETTING: "one" }),
    b: withEnv({ KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST: "TENANT", TENANT: "t", UNLISTED_SETTING: "two" }),
  },
  {
    // kubectl sets interactive from whether stdin is a terminal: it does not change whose credential it is.
    name: "spec.interactive",
    a: withEnv({ KUBERNETES_EXEC_INFO: execInfo(API_V1, { interactive: false, cluster: clusterInfo() }) }),
    b: withEnv({ KUBERNETES_EXEC_INFO: execInfo(API_V1, { interactive: true, cluster: clusterInfo() }) }),
  },
];

for (const { name, a, b } of sharingCases) {
  test(`the cache key ignores ${name}`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "shared-plugin");
    assert.equal(
      await separates(callThrough(cache, plugin), plugin, a, b),
      false,
      `${name} must not split the entry`,
    );
  });
}
