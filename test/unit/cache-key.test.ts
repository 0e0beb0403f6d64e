import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { buildCacheKey, maskSecretArgs, type CacheKeyInput } from "../../src/core/cache/cache-key.js";
import { DEFAULT_CACHEKEY_ENV_LIST } from "../../src/core/config.js";
import { parseExecInfo } from "../../src/core/credential/exec-info.js";

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

/** Every plugin family's prefix docs/cache-key.md names: a variable of each is in the key. */
const FAMILY_PREFIXES = [
  "AWS_",
  "GRANTED_",
  "SAML2AWS_",
  "CLOUDSDK_",
  "GOOGLE_",
  "GCE_METADATA_",
  "AZURE_",
  "AAD_",
  "ARM_",
  "MSI_",
  "IDENTITY_",
  "IMDS_",
  "TELEPORT_",
  "OCI_",
  "DIGITALOCEAN_",
  "VAULT_",
  "BOUNDARY_",
  "EXOSCALE_",
  "IBMCLOUD_",
  "ALIBABA_CLOUD_",
  "ALICLOUD_",
  "TENCENTCLOUD_",
  "SCW_",
  "OS_",
  "PINNIPED_",
  "RANCHER_",
  "SDM_",
  "OKTETO_",
  "OP_",
  "BW_",
  "DOPPLER_",
  "INFISICAL_",
  "AKEYLESS_",
  "PASSWORD_STORE_",
  "GOPASS_",
];

/** Where tools keep their configuration, by the same document: each is in the key. */
const CONFIG_LOCATIONS = [
  "HOME",
  "USERPROFILE",
  "APPDATA",
  "LOCALAPPDATA",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_STATE_HOME",
  "XDG_CACHE_HOME",
  "GNUPGHOME",
  "KRB5CCNAME",
  "KRB5_CONFIG",
  "KUBECACHEDIR",
];

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
    ...[...FAMILY_PREFIXES.map((prefix) => `${prefix}PROFILE`), ...CONFIG_LOCATIONS].map(
      (name): [string, Partial<CacheKeyInput>, Partial<CacheKeyInput>] => [
        `built-in ${name}`,
        { env: { [name]: "one" } },
        { env: { [name]: "two" } },
      ],
    ),
    [
      "a built-in variable even with a custom list",
      { cacheKeyEnvList: ["TENANT"], env: { AWS_DEFAULT_PROFILE: "alice" } },
      { cacheKeyEnvList: ["TENANT"], env: { AWS_DEFAULT_PROFILE: "bob" } },
    ],
    ["a variable set empty vs unset", { env: {} }, { env: { AWS_DEFAULT_PROFILE: "" } }],
    [
      "two secret variables",
      { env: { AWS_SECRET_ACCESS_KEY: "s1" } },
      { env: { AWS_SECRET_ACCESS_KEY: "s2" } },
    ],
    ["two secret flag values", { args: ["--token=s1"] }, { args: ["--token=s2"] }],
    ["two separate secret values", { args: ["--token", "s1"] }, { args: ["--token", "s2"] }],
    ["a secret flag's value and a readable one", { args: ["--token=x"] }, { args: ["--tokens=x"] }],
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
    ["a variable outside both lists", { env: { EDITOR: "vi" } }, { env: { EDITOR: "emacs" } }],
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

const D = /^sha256:[0-9a-f]{16}$/;

test("secret flag values become digests; everything else stays as written", () => {
  // [args, the masked args with each digest shown as D]
  const cases: [string[], string[]][] = [
    [
      ["get-token", "--cluster-name", "prod"],
      ["get-token", "--cluster-name", "prod"],
    ],
    [["--oidc-client-secret=s3cr3t"], ["--oidc-client-secret=D"]],
    [
      ["--oidc-client-secret", "s3cr3t", "--x"],
      ["--oidc-client-secret", "D", "--x"],
    ],
    [["--token=abc"], ["--token=D"]],
    [
      ["--token", "abc"],
      ["--token", "D"],
    ],
    [["--token"], ["--token"]],
    [["--token="], ["--token=D"]],
    [["--token=a=b"], ["--token=D"]],
    [
      ["-password", "abc"],
      ["-password", "D"],
    ],
    [
      ["--client-secret", "-starts-with-dash"],
      ["--client-secret", "D"],
    ],
    [
      ["--token", "--token", "x"],
      ["--token", "D", "x"],
    ],
    [["--token-cache-dir=/tmp/c"], ["--token-cache-dir=/tmp/c"]],
    [
      ["--token-cache-dir", "/tmp/c"],
      ["--token-cache-dir", "/tmp/c"],
    ],
    [
      ["--password-file", "/p"],
      ["--password-file", "/p"],
    ],
    [
      ["get-token", "token", "secret"],
      ["get-token", "token", "secret"],
    ],
    [
      ["--", "x"],
      ["--", "x"],
    ],
    [
      ["-", "x"],
      ["-", "x"],
    ],
  ];
  for (const [args, expected] of cases) {
    const shown = maskSecretArgs(args).map((arg) => arg.replace(/sha256:[0-9a-f]{16}$/, "D"));
    assert.deepEqual(shown, expected, args.join(" "));
  }
});

test("the key holds secret values only as digests, paths and names readably", () => {
  const k = key({
    args: ["get-token", "--oidc-client-secret=top-s3cr3t", "--password", "pa55"],
    cacheKeyEnvList: [...DEFAULT_CACHEKEY_ENV_LIST, "MY_API_TOKEN"],
    env: {
      AWS_SECRET_ACCESS_KEY: "aws-s3cr3t",
      MY_API_TOKEN: "api-s3cr3t",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
      AWS_PROFILE: "dev",
    },
  });
  for (const secret of ["top-s3cr3t", "pa55", "aws-s3cr3t", "api-s3cr3t"])
    assert.ok(!k.includes(secret), secret);
  const exec = JSON.parse(/exec=(\[.*?\]) env=/.exec(k)?.[1] ?? "null") as string[];
  const env = JSON.parse(/env=(\{.*\})$/.exec(k)?.[1] ?? "null") as Record<string, string>;
  assert.match(exec[2] ?? "", /^--oidc-client-secret=sha256:[0-9a-f]{16}$/);
  assert.match(exec[4] ?? "", D);
  assert.match(env["AWS_SECRET_ACCESS_KEY"] ?? "", D);
  assert.match(env["MY_API_TOKEN"] ?? "", D);
  assert.equal(env["AWS_WEB_IDENTITY_TOKEN_FILE"], "/var/run/token");
  assert.equal(env["AWS_PROFILE"], "dev");
});

test("each secret variable is keyed by the digest of its own value, in its name's place", () => {
  const digest = (value: string): string =>
    `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 16)}`;
  const k = key({
    cacheKeyEnvList: [],
    env: { B_TOKEN: "b", AWS_PROFILE: "p", A_TOKEN: "a", C_TOKEN: "a", AWS_SESSION_TOKEN: "s" },
  });
  assert.equal(
    /env=(\{.*\})$/.exec(k)?.[1],
    JSON.stringify({
      AWS_PROFILE: "p",
      AWS_SESSION_TOKEN: digest("s"),
      A_TOKEN: digest("a"),
      B_TOKEN: digest("b"),
      C_TOKEN: digest("a"),
    }),
  );
});

test("the environment is the union of both lists, set variables only, sorted by name", () => {
  const k = key({
    cacheKeyEnvList: ["TENANT", "AWS_PROFILE", "KUBE_CREDENTIAL_CACHE_USER"],
    env: {
      TENANT: "t",
      HOME: "/h",
      AWS_DEFAULT_PROFILE: "p",
      AWS_PROFILE: "q",
      EDITOR: "vi",
      CLOUDSDK_CONFIG: "/g",
    },
  });
  assert.equal(
    k,
    'exec=["aws","eks","get-token","--cluster-name","prod"] ' +
      'env={"AWS_DEFAULT_PROFILE":"p","AWS_PROFILE":"q","CLOUDSDK_CONFIG":"/g","HOME":"/h","TENANT":"t"}',
  );
});

test("the same environment gives the same key, whatever the order of variables and list", () => {
  const env = { AWS_PROFILE: "a", HOME: "/h", TENANT: "t", AWS_SECRET_ACCESS_KEY: "s" };
  const reordered = { TENANT: "t", AWS_SECRET_ACCESS_KEY: "s", HOME: "/h", AWS_PROFILE: "a" };
  assert.equal(
    key({ env, cacheKeyEnvList: ["TENANT", "AWS_PROFILE"] }),
    key({ env: reordered, cacheKeyEnvList: ["AWS_PROFILE", "TENANT"] }),
  );
});

test("a configured variable named __proto__ is keyed like any other", () => {
  const list = ["__proto__"];
  const own = Object.fromEntries([["__proto__", "a"]]) as Record<string, string>;
  assert.notEqual(key({ cacheKeyEnvList: list, env: own }), key({ cacheKeyEnvList: list }));
  assert.doesNotMatch(key({ cacheKeyEnvList: list }), /env=/, "an unset __proto__ is not in the key");
});
