import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCacheKey } from "../../src/core/cache/cache-key.js";
import { parseKeyFields, pluginCommand } from "../../src/core/cache/key-fields.js";

const KEYS: [string, string, Record<string, unknown> | undefined][] = [
  ["exec alone", 'exec=["aws","eks"]', { exec: ["aws", "eks"] }],
  [
    "every kind of value",
    'user="alice" server="https://eks.example" api="client.authentication.k8s.io/v1" exec=["aws"] env={"AWS_PROFILE":"dev"} tls-server-name="n" insecure-skip-tls-verify=true proxy-url="http://p" ca=sha256:0123456789abcdef config=sha256:fedcba9876543210',
    {
      user: "alice",
      server: "https://eks.example",
      api: "client.authentication.k8s.io/v1",
      exec: ["aws"],
      env: { AWS_PROFILE: "dev" },
      "tls-server-name": "n",
      "insecure-skip-tls-verify": true,
      "proxy-url": "http://p",
      ca: "sha256:0123456789abcdef",
      config: "sha256:fedcba9876543210",
    },
  ],
  ["a value with spaces", 'user="a b c" exec=["x y"]', { user: "a b c", exec: ["x y"] }],
  [
    "a value holding another field",
    'user="x\\" server=\\"https://evil" exec=["a"]',
    { user: 'x" server="https://evil', exec: ["a"] },
  ],
  ["brackets inside strings", 'exec=["]","{","\\\\"]', { exec: ["]", "{", "\\"] }],
  ["nested JSON", 'env={"A":"} ]","B":"x"} exec=["a"]', { env: { A: "} ]", B: "x" }, exec: ["a"] }],
  ["unicode", 'user="élise ☃" exec=["a"]', { user: "élise ☃", exec: ["a"] }],
  ["empty", "", undefined],
  ["not a field", "hello", undefined],
  ["two spaces", 'user="a"  exec=["a"]', undefined],
  ["a trailing space", 'exec=["a"] ', undefined],
  ["an unclosed string", 'user="a exec=["a"]', undefined],
  ["an unclosed list", 'exec=["a"', undefined],
  ["no space between fields", 'user="a"exec=["a"]', undefined],
  ["a field twice", 'user="a" user="b"', undefined],
  ["invalid JSON", "exec=[a]", undefined],
  ["an empty bare value", "ca= exec=[]", undefined],
];
for (const [what, key, fields] of KEYS)
  test(`parseKeyFields: ${what}`, () => {
    const parsed = parseKeyFields(key);
    assert.deepEqual(parsed === undefined ? undefined : Object.fromEntries(parsed), fields);
  });

test("parseKeyFields reads back what buildCacheKey writes", () => {
  const key = buildCacheKey({
    command: "/usr/bin/aws",
    args: ["eks", "get-token", "--cluster-name", 'a "quoted" name', "--password", "s3cr3t"],
    env: { KUBE_CREDENTIAL_CACHE_USER: 'bob "the" admin', AWS_PROFILE: "p q", HOME: "/home/b" },
    cacheKeyEnvList: ["KUBE_CREDENTIAL_CACHE_USER", "AWS_PROFILE"],
    execInfo: {
      apiVersion: "client.authentication.k8s.io/v1",
      interactive: false,
      cluster: {
        server: "https://k.example:6443",
        "tls-server-name": "k b",
        "certificate-authority-data": "Q0E=",
        "insecure-skip-tls-verify": true,
        "proxy-url": "http://proxy x",
        config: { a: "b c" },
      },
    },
  });
  const fields = parseKeyFields(key);
  assert.ok(fields !== undefined, key);
  assert.equal(fields.get("user"), 'bob "the" admin');
  assert.equal(fields.get("server"), "https://k.example:6443");
  assert.equal(pluginCommand(fields), "/usr/bin/aws");
  assert.deepEqual(fields.get("env"), { AWS_PROFILE: "p q", HOME: "/home/b" });
});
