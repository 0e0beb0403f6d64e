import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCacheKey, type CacheKeyInput } from "../../src/core/cache-key.js";
import { DEFAULT_CACHEKEY_ENV_LIST } from "../../src/core/config.js";
import { parseExecInfo } from "../../src/core/exec-info.js";

const V1BETA1 = "client.authentication.k8s.io/v1beta1";

function execInfo(cluster?: Record<string, unknown>, apiVersion = V1BETA1, interactive = false): string {
  return JSON.stringify({
    kind: "ExecCredential",
    apiVersion,
    spec: cluster === undefined ? { interactive } : { interactive, cluster },
  });
}

const base: CacheKeyInput = {
  command: "aws",
  args: ["eks", "get-token", "--cluster-name", "prod"],
  env: {},
  cacheKeyEnvList: DEFAULT_CACHEKEY_ENV_LIST,
  execInfo: undefined,
};

function key(change: Partial<CacheKeyInput> = {}): string {
  return buildCacheKey({ ...base, ...change });
}

test("the key is readable and starts with user and server when known", () => {
  const k = key({
    env: { KUBE_CREDENTIAL_CACHE_USER: "alice", AWS_PROFILE: "dev" },
    execInfo: parseExecInfo(execInfo({ server: "https://eks.example" })),
  });
  assert.equal(
    k,
    'user="alice" server="https://eks.example" api="client.authentication.k8s.io/v1beta1" ' +
      'exec=["aws","eks","get-token","--cluster-name","prod"] env={"AWS_PROFILE":"dev"}',
  );
});

test("every ingredient that decides whose credential it is separates entries", () => {
  const server = (s: string, extra: Record<string, unknown> = {}): CacheKeyInput["execInfo"] =>
    parseExecInfo(execInfo({ server: s, ...extra }));
  const variants: [string, Partial<CacheKeyInput>, Partial<CacheKeyInput>][] = [
    ["command", { command: "aws" }, { command: "/usr/local/bin/aws" }],
    ["an argument", { args: ["--cluster-name", "a"] }, { args: ["--cluster-name", "b"] }],
    ["argument boundaries", { args: ["a b"] }, { args: ["a", "b"] }],
    ["argument order", { args: ["a", "b"] }, { args: ["b", "a"] }],
    ["an empty argument", { args: [] }, { args: [""] }],
    ["AWS_PROFILE", { env: { AWS_PROFILE: "dev" } }, { env: { AWS_PROFILE: "prod" } }],
    ["AWS_PROFILE set vs unset", { env: {} }, { env: { AWS_PROFILE: "dev" } }],
    ["AWS_REGION", { env: { AWS_REGION: "us-east-1" } }, { env: { AWS_REGION: "eu-west-1" } }],
    ["AWS_VAULT", { env: { AWS_VAULT: "a" } }, { env: { AWS_VAULT: "b" } }],
    ["user", { env: { KUBE_CREDENTIAL_CACHE_USER: "a" } }, { env: { KUBE_CREDENTIAL_CACHE_USER: "b" } }],
    [
      "a custom env list",
      { cacheKeyEnvList: ["TENANT"], env: { TENANT: "a" } },
      { cacheKeyEnvList: ["TENANT"], env: { TENANT: "b" } },
    ],
    [
      "apiVersion",
      { execInfo: parseExecInfo(execInfo(undefined, V1BETA1)) },
      { execInfo: parseExecInfo(execInfo(undefined, "client.authentication.k8s.io/v1")) },
    ],
    ["server", { execInfo: server("https://a") }, { execInfo: server("https://b") }],
    ["cluster info present vs absent", { execInfo: undefined }, { execInfo: server("https://a") }],
    [
      "tls-server-name",
      { execInfo: server("https://a", { "tls-server-name": "x" }) },
      { execInfo: server("https://a", { "tls-server-name": "y" }) },
    ],
    [
      "CA data",
      { execInfo: server("https://a", { "certificate-authority-data": "QQ==" }) },
      { execInfo: server("https://a", { "certificate-authority-data": "Qg==" }) },
    ],
    [
      "proxy-url",
      { execInfo: server("https://a") },
      { execInfo: server("https://a", { "proxy-url": "http://127.0.0.1:3128" }) },
    ],
    [
      "insecure-skip-tls-verify",
      { execInfo: server("https://a") },
      { execInfo: server("https://a", { "insecure-skip-tls-verify": true }) },
    ],
    [
      "exec extension config",
      { execInfo: server("https://a", { config: { audience: "x" } }) },
      { execInfo: server("https://a", { config: { audience: "y" } }) },
    ],
    [
      "a value that mimics another field",
      { env: { KUBE_CREDENTIAL_CACHE_USER: 'a" server="https://b' } },
      { env: { KUBE_CREDENTIAL_CACHE_USER: "a" }, execInfo: server("https://b") },
    ],
  ];
  for (const [what, a, b] of variants) assert.notEqual(key(a), key(b), what);
});

test("what cannot change the credential does not split the cache", () => {
  const same: [string, Partial<CacheKeyInput>, Partial<CacheKeyInput>][] = [
    ["a variable outside the list", { env: { HOME: "/a" } }, { env: { HOME: "/b" } }],
    [
      "spec.interactive",
      { execInfo: parseExecInfo(execInfo({ server: "https://a" }, V1BETA1, false)) },
      { execInfo: parseExecInfo(execInfo({ server: "https://a" }, V1BETA1, true)) },
    ],
    [
      "disable-compression",
      { execInfo: parseExecInfo(execInfo({ server: "https://a" })) },
      { execInfo: parseExecInfo(execInfo({ server: "https://a", "disable-compression": true })) },
    ],
    [
      "a null config",
      { execInfo: parseExecInfo(execInfo({ server: "https://a" })) },
      { execInfo: parseExecInfo(execInfo({ server: "https://a", config: null })) },
    ],
  ];
  for (const [what, a, b] of same) assert.equal(key(a), key(b), what);
});

test("large cluster values are digested, not copied into the key", () => {
  const ca = Buffer.alloc(3000, 1).toString("base64");
  const k = key({
    execInfo: parseExecInfo(execInfo({ server: "https://a", "certificate-authority-data": ca })),
  });
  assert.ok(!k.includes(ca));
  assert.match(k, /ca=sha256:[0-9a-f]{16}/);
});

test("KUBERNETES_EXEC_INFO that is not client-go's JSON is ignored", () => {
  for (const raw of [undefined, "", "not json", "[]", "42"])
    assert.equal(parseExecInfo(raw), undefined, String(raw));
});
