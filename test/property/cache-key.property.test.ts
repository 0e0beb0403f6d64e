import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type CacheKeyInput, buildCacheKey, sortNames } from "../../src/core/cache/cache-key.js";
import { ENV } from "../../src/core/config.js";
import type { ClusterInfo } from "../../src/core/credential/exec-info.js";
import { isIdentityVariable } from "../../src/core/cache/identity-variables.js";
import { configureProperties } from "./seed.js";

configureProperties(2000);

// Few characters, the ones a naive join would confuse (quotes, separators, escapes), so that
// near-collisions are common.
const text = fc.string({
  unit: fc.constantFrom("a", "b", " ", '"', "\\", "=", ",", "[", "]", "{", ":", "-", "é", "\u0000", "\n"),
  maxLength: 6,
});
const NAMES = [
  ENV.user,
  "AWS_PROFILE",
  "AWS_SECRET_ACCESS_KEY",
  "HOME",
  "MY_API_TOKEN",
  "MY_VAR",
  "UNLISTED",
  "__proto__",
] as const;
const LISTABLE = ["MY_VAR", "MY_API_TOKEN", "__proto__", ENV.user, "AWS_PROFILE"] as const;

const cluster: fc.Arbitrary<ClusterInfo> = fc.record(
  {
    server: text,
    "tls-server-name": text,
    "insecure-skip-tls-verify": fc.boolean(),
    "certificate-authority-data": text,
    "proxy-url": text,
    config: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
  },
  { requiredKeys: [] },
);

const input: fc.Arbitrary<CacheKeyInput> = fc.record({
  command: text,
  args: fc.array(
    fc.oneof(text, fc.constantFrom("--password", "--token=", "--client-secret=x", "--flag", "sha256:")),
    {
      maxLength: 4,
    },
  ),
  env: fc.dictionary(fc.constantFrom(...NAMES), text, { maxKeys: 4 }),
  cacheKeyEnvList: fc.subarray([...LISTABLE]),
  execInfo: fc.option(
    fc.record({
      apiVersion: fc.option(fc.constantFrom("client.authentication.k8s.io/v1", "v1beta1", ""), {
        nil: undefined,
      }),
      interactive: fc.constant(undefined),
      cluster: fc.option(cluster, { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

/**
 * Everything the key is documented to hold (docs/cache-key.md), in clear: two inputs with different
 * identities must get different keys. Secrets are digested in the key, so two different secrets
 * share a key only on a SHA-256 prefix collision, which these small inputs never produce.
 */
function identity(value: CacheKeyInput): unknown {
  const user = value.env[ENV.user];
  const listed = [
    ...new Set([...Object.keys(value.env).filter(isIdentityVariable), ...value.cacheKeyEnvList]),
  ].filter((name) => name !== ENV.user && typeof value.env[name] === "string");
  const c = value.execInfo?.cluster;
  return {
    user: user === "" ? undefined : user,
    server: c?.server,
    api: value.execInfo?.apiVersion,
    exec: [value.command, ...value.args],
    env: listed.sort().map((name) => [name, value.env[name]]),
    tls: c?.["tls-server-name"] === "" ? undefined : c?.["tls-server-name"],
    insecure: c?.["insecure-skip-tls-verify"] === true,
    proxy: c?.["proxy-url"] === "" ? undefined : c?.["proxy-url"],
    ca: c?.["certificate-authority-data"] === "" ? undefined : c?.["certificate-authority-data"],
    config: c?.config === undefined || c.config === null ? undefined : JSON.stringify(c.config),
  };
}

/** A second input that differs from the first in one field: the near misses a collision hides in. */
const pairs = fc.oneof(
  fc.tuple(input, input),
  input.chain((a) =>
    fc.tuple(
      fc.constant(a),
      fc.oneof(
        text.map((command) => ({ ...a, command })),
        text.map((extra) => ({ ...a, args: [...a.args, extra] })),
        fc.constant({ ...a, args: a.args.flatMap((arg) => arg.split(/(?<==)/)) }),
        fc.constant({ ...a, args: [a.args.join(" ")] }),
        fc.tuple(fc.constantFrom(...NAMES), text).map(([name, value]) => ({
          ...a,
          env: { ...a.env, [name]: value },
        })),
        cluster.map((c) => ({
          ...a,
          execInfo: { apiVersion: a.execInfo?.apiVersion, interactive: undefined, cluster: c },
        })),
      ),
    ),
  ),
  fc
    .tuple(input, fc.constantFrom<"user" | "server">("user", "server"), fc.boolean())
    .map(([a, into, quoted]) => smuggle(a, into, quoted)),
);

/**
 * `a` with a user, a server and an apiVersion, and a twin in which one of them swallows the next as
 * the key prints it: a key that stopped quoting a field would give both the same text.
 */
function smuggle(a: CacheKeyInput, into: "user" | "server", quoted: boolean): [CacheKeyInput, CacheKeyInput] {
  const user = a.env[ENV.user] || "u";
  const server = a.execInfo?.cluster?.server ?? "s";
  const api = a.execInfo?.apiVersion || "v1";
  // Unquoted fields (`server=S api="A"`) or quotes without escaping (`server="S" api="A"`).
  const [glue, end] = quoted ? ['"', ""] : ["", '"'];
  const withAll = (u: string, s: string | undefined, v: string | undefined): CacheKeyInput => {
    const rest = Object.fromEntries(
      Object.entries(a.execInfo?.cluster ?? {}).filter(([name]) => name !== "server"),
    ) as ClusterInfo;
    const cluster: ClusterInfo = s === undefined ? rest : { ...rest, server: s };
    return {
      ...a,
      env: { ...a.env, [ENV.user]: u },
      execInfo: { apiVersion: v, interactive: undefined, cluster },
    };
  };
  return into === "server"
    ? [withAll(user, server, api), withAll(user, `${server}${glue} api="${api}${end}`, undefined)]
    : [withAll(user, server, api), withAll(`${user}${glue} server="${server}${end}`, undefined, api)];
}

test("distinct identities never share a cache key", () => {
  fc.assert(
    fc.property(pairs, ([a, b]) => {
      if (buildCacheKey(a) === buildCacheKey(b)) assert.deepEqual(identity(a), identity(b));
    }),
  );
});

test("the same identity always gives the same key (variables in any order)", () => {
  fc.assert(
    fc.property(input, (a) => {
      const reversed = { ...a, env: Object.fromEntries(Object.entries(a.env).reverse()) };
      assert.equal(buildCacheKey(reversed), buildCacheKey(a));
    }),
  );
});

test("the key's own sort orders names as Array.prototype.sort does, whatever their characters", () => {
  // Whole strings of any code units (lone surrogates, astral characters, NUL), repeats included.
  const names = fc.array(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("A", "B", "a", "A_B", "")), {
    maxLength: 40,
  });
  fc.assert(
    fc.property(names, (list) => {
      const sorted = [...list];
      sortNames(sorted);
      assert.deepEqual(sorted, [...list].sort());
    }),
  );
});
