import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { LineCounter, isMap, parse, parseDocument, stringify } from "yaml";
import { KubeconfigError } from "../../src/core/errors.js";
import { type EditOptions, injectKubeconfig, restoreKubeconfig } from "../../src/core/kubeconfig/edits.js";
import { diffLines, splitLines } from "../../src/core/kubeconfig/unified-diff.js";

const FIXTURES = join(__dirname, "..", "fixtures", "kubeconfig");
const read = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");
const options = (overrides: Partial<EditOptions> = {}): EditOptions => ({
  label: "config",
  injectionCommand: "kcc-cache",
  users: undefined,
  baseDirectory: "/home/me/.kube",
  ...overrides,
});

interface ExecShape {
  command: string;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  provideClusterInfo?: unknown;
  [key: string]: unknown;
}
interface UserShape {
  name: string;
  user?: { exec?: ExecShape; [key: string]: unknown } | null;
}
const usersOf = (text: string): UserShape[] => (parse(text) as { users?: UserShape[] }).users ?? [];

// fixture -> for each exec user: the command that must end up first in args
const FIXTURE_TABLE: { file: string; moved: Record<string, string> }[] = [
  { file: "aws-eks.yaml", moved: { "arn:aws:eks:us-west-2:123456789012:cluster/prod": "aws" } },
  {
    file: "aws-eks-profile.yaml",
    moved: {
      "arn:aws:eks:eu-central-1:123456789012:cluster/staging": "aws",
      "arn:aws:eks:eu-central-1:210987654321:cluster/prod": "aws",
    },
  },
  { file: "gke.yaml", moved: { "gke_my-project-123_europe-west1_autopilot-1": "gke-gcloud-auth-plugin" } },
  { file: "aws-vault.yaml", moved: { "dev-vault": "aws-vault" } },
  { file: "kubelogin-oidc.yaml", moved: { oidc: "kubectl" } },
  { file: "azure-kubelogin.yaml", moved: { "clusterUser_rg-prod_aks-prod": "kubelogin" } },
  { file: "several-users-comments.yaml", moved: { "prod-sso": "aws" } },
  {
    file: "flow-style.yaml",
    moved: { "flow-user": "aws", "flow-empty": "gke-gcloud-auth-plugin", "flow-bare": "my-plugin" },
  },
  { file: "mixed-flow-exec.yaml", moved: { inline: "aws", "block-with-flow-lists": "aws" } },
  { file: "crlf.yaml", moved: { win: "aws.cmd" } },
  {
    file: "v1-interactive-no-newline.yaml",
    moved: { "v1-never": "/home/me/.kube/bin/get-token", "v1-always": "tsh" },
  },
  { file: "exec-without-args.yaml", moved: { plain: "get-credential", "empty-lists": "get-credential" } },
  {
    file: "kubectl-written.yaml",
    moved: {
      "arn:aws:eks:eu-central-1:123456789012:cluster/staging": "aws",
      "arn:aws:eks:eu-central-1:210987654321:cluster/prod": "aws",
    },
  },
  {
    file: "kubectl-written-null-lists.yaml",
    moved: { plain: "get-credential", "empty-lists": "get-credential" },
  },
];

for (const { file, moved } of FIXTURE_TABLE) {
  const source = read(file);

  test(`${file}: injection points each exec user at kcc-cache and changes nothing else`, () => {
    const result = injectKubeconfig(source, options());
    const before = usersOf(source);
    const after = usersOf(result.text);
    assert.equal(after.length, before.length);
    before.forEach((original, index) => {
      const injected = after[index];
      assert.ok(injected !== undefined);
      const exec = original.user?.exec;
      const expectedFirst = moved[original.name];
      if (exec === undefined) {
        assert.equal(expectedFirst, undefined, `${original.name} has no exec in the fixture`);
        assert.deepEqual(injected, original);
        return;
      }
      assert.ok(expectedFirst !== undefined, `table lists ${original.name}`);
      const got = injected.user?.exec;
      assert.ok(got !== undefined);
      assert.equal(got.command, "kcc-cache");
      assert.deepEqual(got.args, [expectedFirst, ...(exec.args ?? [])]);
      assert.equal(got.provideClusterInfo, true);
      const env = got.env ?? [];
      assert.deepEqual(env.slice(0, (exec.env ?? []).length), exec.env ?? []);
      assert.deepEqual(
        env.find((entry) => entry.name === "KUBE_CREDENTIAL_CACHE_USER"),
        { name: "KUBE_CREDENTIAL_CACHE_USER", value: original.name },
      );
      assert.deepEqual(
        without(got, ["command", "args", "env", "provideClusterInfo"]),
        without(exec, ["command", "args", "env", "provideClusterInfo"]),
        "apiVersion, interactiveMode, installHint... unchanged",
      );
      assert.deepEqual(without(injected, ["user"]), without(original, ["user"]));
    });
    assert.deepEqual(
      without(parse(result.text) as object, ["users"]),
      without(parse(source) as object, ["users"]),
      "clusters, contexts, preferences unchanged",
    );
    assert.deepEqual(
      result.users
        .filter((user) => user.action === "injected")
        .map((user) => user.name)
        .sort(),
      Object.keys(moved).sort(),
    );
  });

  test(`${file}: restore(inject(x)) is x byte for byte`, () => {
    const injected = injectKubeconfig(source, options()).text;
    assert.notEqual(injected, source);
    assert.equal(restoreKubeconfig(injected, options()).text, source);
  });

  test(`${file}: inject(inject(x)) is inject(x)`, () => {
    const once = injectKubeconfig(source, options()).text;
    const twice = injectKubeconfig(once, options());
    assert.equal(twice.text, once);
    assert.ok(twice.users.every((user) => user.action === "already-injected"));
  });

  test(`${file}: restoring a file never injected changes nothing`, () => {
    const result = restoreKubeconfig(source, options());
    assert.equal(result.text, source);
    assert.ok(result.users.every((user) => user.action === "not-injected"));
  });

  test(`${file}: the diff of an injection touches only lines inside exec blocks`, () => {
    const injected = injectKubeconfig(source, options()).text;
    const inside = (text: string): Set<number> => {
      const lines = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lines });
      const set = new Set<number>();
      const users = doc.get("users", true);
      if (!isMap(doc.contents) || users === undefined) return set;
      for (let index = 0; ; index += 1) {
        const exec = doc.getIn(["users", index, "user", "exec"], true) as { range?: number[] } | undefined;
        if (doc.getIn(["users", index]) === undefined) break;
        const range = exec?.range;
        if (range?.[0] === undefined || range[1] === undefined) continue;
        const first = lines.linePos(range[0]).line;
        const last = lines.linePos(Math.max(range[0], range[1] - 1)).line;
        for (let line = first; line <= last; line += 1) set.add(line);
      }
      return set;
    };
    const before = inside(source);
    const after = inside(injected);
    const edits = diffLines(splitLines(source), splitLines(injected));
    for (const edit of edits) {
      if (edit.kind === "-")
        assert.ok(before.has(edit.aLine), `removed line ${edit.aLine} is in an exec block`);
      if (edit.kind === "+") assert.ok(after.has(edit.bLine), `added line ${edit.bLine} is in an exec block`);
    }
    assert.ok(edits.some((edit) => edit.kind !== "="));
  });

  test(`${file}: restore state survives a rewrite that drops comments and reorders keys`, () => {
    // What kubectl does to the file (docs/protocol.md): the real kubectl is exercised end to end.
    const injected = injectKubeconfig(source, options()).text;
    const rewritten = stringify(sortKeys(parse(injected)));
    const restored = usersOf(restoreKubeconfig(rewritten, options()).text);
    assert.deepEqual(restored, usersOf(stringify(sortKeys(parse(source)))));
  });
}

function without(value: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
}

const AWS = read("aws-eks-profile.yaml");

test("--user limits the users touched", () => {
  const only = "arn:aws:eks:eu-central-1:210987654321:cluster/prod";
  const result = injectKubeconfig(AWS, options({ users: new Set([only]) }));
  const [staging, prod] = usersOf(result.text);
  assert.equal(staging?.user?.exec?.command, "aws");
  assert.equal(prod?.user?.exec?.command, "kcc-cache");
  assert.deepEqual(result.users, [{ name: only, action: "injected" }]);
  const both = injectKubeconfig(AWS, options()).text;
  const restoredOne = restoreKubeconfig(both, options({ users: new Set([only]) })).text;
  assert.equal(usersOf(restoredOne)[1]?.user?.exec?.command, "aws");
  assert.equal(usersOf(restoredOne)[0]?.user?.exec?.command, "kcc-cache");
});

test("-c sets the injection command, and restore does not need it", () => {
  const injected = injectKubeconfig(AWS, options({ injectionCommand: "/opt/kcc/bin/kcc-cache" })).text;
  assert.equal(usersOf(injected)[0]?.user?.exec?.command, "/opt/kcc/bin/kcc-cache");
  assert.equal(restoreKubeconfig(injected, options()).text, AWS);
});

const ALREADY: { command: string; injectionCommand: string }[] = [
  { command: "kcc-cache", injectionCommand: "kcc-cache" },
  { command: "/usr/local/bin/kcc-cache", injectionCommand: "kcc-cache" },
  { command: "my-wrapper", injectionCommand: "my-wrapper" },
  { command: "kcc-cache", injectionCommand: "/opt/kcc-cache" },
];
for (const { command, injectionCommand } of ALREADY) {
  test(`a user whose command is ${command} is left alone when injecting with -c ${injectionCommand}`, () => {
    const source = `users:\n- name: u\n  user:\n    exec:\n      command: ${command}\n      args: [aws]\n`;
    const result = injectKubeconfig(source, options({ injectionCommand }));
    assert.equal(result.text, source);
    assert.deepEqual(result.users, [{ name: "u", action: "already-injected" }]);
  });
}

test("a user injected with another -c is not wrapped twice", () => {
  const once = injectKubeconfig(AWS, options({ injectionCommand: "my-wrapper" })).text;
  assert.equal(injectKubeconfig(once, options()).text, once);
});

test("a relative command with a path separator moves into args as an absolute path, and comes back as written", () => {
  const source = `users:\n- name: u\n  user:\n    exec:\n      command: "bin/get token"\n`;
  const injected = injectKubeconfig(source, options({ baseDirectory: "/home/me/.kube" })).text;
  assert.deepEqual(usersOf(injected)[0]?.user?.exec?.args, ["/home/me/.kube/bin/get token"]);
  assert.equal(restoreKubeconfig(injected, options()).text, source);
});

test("a KUBE_CREDENTIAL_CACHE_USER already set is kept, and kept by restore", () => {
  const source =
    "users:\n- name: u\n  user:\n    exec:\n      command: aws\n      env:\n      - name: KUBE_CREDENTIAL_CACHE_USER\n        value: shared\n";
  const injected = injectKubeconfig(source, options()).text;
  const env = usersOf(injected)[0]?.user?.exec?.env ?? [];
  assert.deepEqual(
    env.filter((entry) => entry.name === "KUBE_CREDENTIAL_CACHE_USER"),
    [{ name: "KUBE_CREDENTIAL_CACHE_USER", value: "shared" }],
  );
  assert.equal(restoreKubeconfig(injected, options()).text, source);
});

test("restore undoes an injection by the Go original (no restore state), keeping provideClusterInfo", () => {
  const source = [
    "users:",
    "- name: u",
    "  user:",
    "    exec:",
    "      apiVersion: client.authentication.k8s.io/v1beta1",
    "      args:",
    "      - aws",
    "      - eks",
    "      - get-token",
    "      command: kcc-cache",
    "      env:",
    "      - name: KUBE_CREDENTIAL_CACHE_USER",
    "        value: u",
    "      provideClusterInfo: true",
    "",
  ].join("\n");
  const restored = usersOf(restoreKubeconfig(source, options()).text)[0]?.user?.exec;
  assert.deepEqual(restored, {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    args: ["eks", "get-token"],
    command: "aws",
    provideClusterInfo: true,
  });
});

test("a restore state kcc-injector did not write is refused rather than guessed", () => {
  const injected = injectKubeconfig(AWS, options()).text.replace(
    /'\{"provideClusterInfo":null\}'/,
    '\'{"provideClusterInfo":null,"future":1}\'',
  );
  assert.throws(
    () => restoreKubeconfig(injected, options()),
    /KUBE_CREDENTIAL_CACHE_ORIGINAL is not a state/,
  );
});

const BAD: { name: string; source: string; message: RegExp }[] = [
  {
    name: "not YAML",
    source: "users:\n- name: a\n  user: {exec: [\n",
    message: /^config:\d+:\d+: not valid YAML: /,
  },
  { name: "a tab indent", source: "users:\n\t- name: a\n", message: /^config:2:1: not valid YAML: / },
  {
    name: "duplicate keys",
    source: "users: []\nusers: []\n",
    message: /^config:2:1: not valid YAML: Map keys must be unique/,
  },
  { name: "a list", source: "- a\n- b\n", message: /^config:1:1: not a kubeconfig/ },
  { name: "a scalar", source: "hello\n", message: /^config:1:1: not a kubeconfig/ },
  { name: "some other mapping", source: "foo: bar\n", message: /^config:1:1: not a kubeconfig/ },
  {
    name: "another kind",
    source: "apiVersion: v1\nkind: Pod\n",
    message: /^config:2:7: not a kubeconfig: kind is "Pod"/,
  },
  {
    name: "users not a list",
    source: "users: {a: 1}\n",
    message: /^config:1:8: not a kubeconfig: users is not a list/,
  },
  { name: "a user without name", source: "users:\n- user: {}\n", message: /users\[0\] has no name/ },
  {
    name: "exec without command",
    source: "users:\n- name: a\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n",
    message: /^config:5:7: user "a": exec has no command$/,
  },
  {
    name: "exec with an empty command",
    source: "users:\n- name: a\n  user:\n    exec: {command: ''}\n",
    message: /^config:4:11: user "a": exec has no command$/,
  },
  {
    name: "several documents",
    source: "users: []\n---\nusers: []\n",
    message: /^config:2:1: several YAML documents/,
  },
  {
    name: "args not a list",
    source: "users:\n- name: a\n  user:\n    exec: {command: aws, args: eks}\n",
    message: /user "a": exec args is not a list/,
  },
];
for (const { name, source, message } of BAD) {
  test(`${name}: one-line KubeconfigError with the position`, () => {
    for (const edit of [injectKubeconfig, restoreKubeconfig]) {
      if (name === "args not a list" && edit === restoreKubeconfig) continue;
      assert.throws(
        () => edit(source, options()),
        (error: unknown) =>
          error instanceof KubeconfigError && message.test(error.message) && !error.message.includes("\n"),
      );
    }
  });
}

test("an empty file or one with only comments is an empty kubeconfig: nothing to do", () => {
  for (const source of ["", "# nothing yet\n"]) {
    assert.deepEqual(injectKubeconfig(source, options()), { text: source, users: [], userNames: [] });
  }
});
