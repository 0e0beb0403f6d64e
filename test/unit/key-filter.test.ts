import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeKubeconfigNames, type KubeconfigNames } from "../../src/core/kubeconfig/kubeconfig-names.js";
import { UsageError } from "../../src/core/errors.js";
import {
  describeFilter,
  matchesFilter,
  resolveFilter,
  type FilterOptions,
  type KeyFilter,
} from "../../src/core/manage/key-filter.js";

const KEY =
  'user="alice" server="https://prod:6443" api="client.authentication.k8s.io/v1" exec=["/usr/local/bin/aws","eks"]';
const BARE = 'exec=["aws","eks"] env={"HOME":"/h"}';
const WINDOWS = 'exec=["C:\\\\Tools\\\\kubelogin.exe","get-token"]';

const MATCHES: [string, string, KeyFilter, boolean][] = [
  ["no filter: every key", BARE, {}, true],
  ["no filter: even one that cannot be read", "garbage", {}, true],
  ["user", KEY, { user: "alice" }, true],
  ["another user", KEY, { user: "bob" }, false],
  ["a user, the key has none", BARE, { user: "alice" }, false],
  ["server", KEY, { server: "https://prod:6443" }, true],
  ["another server", KEY, { server: "https://prod" }, false],
  ["plugin by name", KEY, { plugin: "aws" }, true],
  ["plugin by full path", KEY, { plugin: "/usr/local/bin/aws" }, true],
  ["plugin by another path", KEY, { plugin: "/usr/bin/aws" }, false],
  ["plugin named as typed", BARE, { plugin: "aws" }, true],
  ["a path does not match a bare name", BARE, { plugin: "/usr/bin/aws" }, false],
  ["plugin by a prefix of its name: no", KEY, { plugin: "aw" }, false],
  ["a Windows plugin by name", WINDOWS, { plugin: "kubelogin" }, true],
  ["a Windows plugin with .exe", WINDOWS, { plugin: "kubelogin.exe" }, true],
  ["every part matches", KEY, { user: "alice", server: "https://prod:6443", plugin: "aws" }, true],
  ["one part differs", KEY, { user: "alice", server: "https://prod:6443", plugin: "gcloud" }, false],
  ["a key that cannot be read matches no filter", 'user="alice', { user: "alice" }, false],
  [
    "a user's name inside another field does not match",
    'exec=["x","user=\\"alice\\""]',
    { user: "alice" },
    false,
  ],
];
for (const [what, key, filter, expected] of MATCHES)
  test(`matchesFilter: ${what}`, () => {
    assert.equal(matchesFilter(key, filter), expected);
  });

const CONFIG = `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster: {server: "https://prod:6443"}
- name: serverless
  cluster: {}
contexts:
- name: prod
  context: {cluster: prod-cluster, user: alice}
- name: no-user
  context: {cluster: prod-cluster}
- name: bare
  context: {}
- name: dangling
  context: {cluster: gone, user: alice}
users:
- name: alice
  user: {token: secret}
`;
const SECOND = `clusters:
- name: prod-cluster
  cluster: {server: "https://shadowed"}
- name: staging
  cluster: {server: "https://staging"}
contexts:
- name: prod
  context: {cluster: staging, user: bob}
users:
- name: bob
`;
const NAMES = mergeKubeconfigNames([
  { label: "/k/one", text: CONFIG },
  { label: "/k/two", text: SECOND },
]);

test("mergeKubeconfigNames: the first file to define a name wins, as kubectl merges", () => {
  assert.deepEqual(NAMES.clusters.get("prod-cluster"), "https://prod:6443");
  assert.deepEqual(NAMES.clusters.get("staging"), "https://staging");
  assert.deepEqual(NAMES.contexts.get("prod"), { user: "alice", cluster: "prod-cluster" });
  assert.deepEqual(NAMES.users, ["alice", "bob"]);
});

const BAD_FILES: [string, string, RegExp][] = [
  ["not YAML", "a: [", /^\/k\/bad: not valid YAML/],
  ["not a mapping", "- a", /^\/k\/bad: not a kubeconfig/],
];
for (const [what, text, message] of BAD_FILES)
  test(`mergeKubeconfigNames: ${what} is one line naming the file`, () => {
    assert.throws(() => mergeKubeconfigNames([{ label: "/k/bad", text }]), { message });
  });

test("mergeKubeconfigNames: an empty file is an empty kubeconfig", () => {
  assert.deepEqual(mergeKubeconfigNames([{ label: "/k/e", text: "" }]).contexts.size, 0);
});

const RESOLVED: [string, FilterOptions, KeyFilter | RegExp][] = [
  ["user and plugin need no kubeconfig", { user: "u", plugin: "aws" }, { user: "u", plugin: "aws" }],
  ["cluster: its server", { cluster: "staging" }, { server: "https://staging" }],
  [
    "context: its user and its cluster's server",
    { context: "prod" },
    { user: "alice", server: "https://prod:6443" },
  ],
  ["context without a user: its server", { context: "no-user" }, { server: "https://prod:6443" }],
  ["context naming nothing: no constraint from it", { context: "bare" }, {}],
  [
    "context and the same user",
    { context: "prod", user: "alice" },
    { user: "alice", server: "https://prod:6443" },
  ],
  [
    "context and another user",
    { context: "prod", user: "bob" },
    /--user "bob" and --context "prod" \(user "alice"\) select nothing together/,
  ],
  [
    "context and its own cluster",
    { context: "prod", cluster: "prod-cluster" },
    { user: "alice", server: "https://prod:6443" },
  ],
  ["context and another cluster", { context: "prod", cluster: "staging" }, /select nothing together/],
  ["an unknown context", { context: "nope" }, /^no context "nope" in \/k\/one, \/k\/two$/],
  ["an unknown cluster", { cluster: "nope" }, /^no cluster "nope" in/],
  ["a cluster without a server", { cluster: "serverless" }, /^cluster "serverless" has no server in/],
  ["a context whose cluster is missing", { context: "dangling" }, /^no cluster "gone" in/],
];
for (const [what, options, expected] of RESOLVED)
  test(`resolveFilter: ${what}`, () => {
    const names: KubeconfigNames = NAMES;
    if (expected instanceof RegExp)
      assert.throws(
        () => resolveFilter(options, names, "/k/one, /k/two"),
        (error: unknown) => error instanceof UsageError && expected.test(error.message),
      );
    else assert.deepEqual(resolveFilter(options, names, "/k/one, /k/two"), expected);
  });

test("describeFilter: the options as typed", () => {
  assert.equal(describeFilter({ plugin: "aws", user: 'a "b"' }), '--user "a \\"b\\"" --plugin "aws"');
});
