import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { type EditOptions, injectKubeconfig, restoreKubeconfig } from "../../src/core/kubeconfig/edits.js";
import { configureProperties } from "./seed.js";

configureProperties(250);

// Only the top-level edit functions kcc-injector calls: the internals behind them may change freely.
const OPTIONS: EditOptions = {
  label: "config",
  injectionCommand: "kcc-cache",
  users: undefined,
  baseDirectory: "/home/me/.kube",
};

type Quoting = "plain" | "single" | "double";
interface Scalar {
  readonly value: string;
  readonly quoting: Quoting;
}
interface Exec {
  readonly flow: boolean;
  readonly command: Scalar;
  readonly args: readonly Scalar[] | "absent" | "empty" | "null";
  readonly argsFlow: boolean;
  readonly env: readonly (readonly [Scalar, Scalar])[] | "absent";
  readonly envFlow: boolean;
  readonly provideClusterInfo: "absent" | "true" | "false";
  readonly apiVersion: string;
  readonly comment: string | undefined;
}
interface User {
  readonly name: Scalar;
  readonly exec: Exec | undefined;
}
interface Kubeconfig {
  readonly eol: "\n" | "\r\n";
  readonly indentSequences: boolean;
  readonly users: readonly User[];
  readonly headerComment: string | undefined;
  readonly finalNewline: boolean;
}

const words = fc.constantFrom(
  "aws",
  "get-token",
  "--region",
  "eu-west-1",
  "eks",
  "--cluster-name",
  "prod",
  "ünïcödé-集群",
  "with space",
  "a:b",
  "x #y",
  "it's",
  'say "hi"',
  "true",
  "123",
  "",
  "~",
  "./bin/token",
  "/usr/local/bin/plugin",
  "-",
  "😀",
);
const quoting = fc.constantFrom<Quoting>("plain", "single", "double");
const scalar = fc.record({ value: words, quoting });
const comment = fc.option(fc.constantFrom("# a comment", "#no space", "# ünïcödé ✓", "# users: [fake]"), {
  nil: undefined,
});
const exec: fc.Arbitrary<Exec> = fc.record({
  flow: fc.boolean(),
  command: fc.record({
    value: fc.constantFrom(
      "aws",
      "gke-gcloud-auth-plugin",
      "./bin/token",
      "/opt/x y/plugin",
      "kubelogin",
      "plugïn",
    ),
    quoting,
  }),
  args: fc.oneof(
    fc.array(scalar, { maxLength: 4 }),
    fc.constantFrom("absent" as const, "empty" as const, "null" as const),
  ),
  argsFlow: fc.boolean(),
  env: fc.oneof(
    fc.array(fc.tuple(fc.record({ value: fc.constantFrom("AWS_PROFILE", "HOME", "X_Ü"), quoting }), scalar), {
      maxLength: 2,
    }),
    fc.constant("absent" as const),
  ),
  envFlow: fc.boolean(),
  provideClusterInfo: fc.constantFrom("absent" as const, "true" as const, "false" as const),
  apiVersion: fc.constantFrom("client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1"),
  comment,
});
const kubeconfig: fc.Arbitrary<Kubeconfig> = fc.record({
  eol: fc.constantFrom("\n" as const, "\r\n" as const),
  indentSequences: fc.boolean(),
  users: fc.uniqueArray(
    fc.record({
      name: fc.record({
        value: fc.constantFrom("dev", "prod", "ü-user", "with space", "a:b", "x'y", "é"),
        quoting,
      }),
      exec: fc.option(exec, { nil: undefined, freq: 4 }),
    }),
    { minLength: 1, maxLength: 4, selector: (user) => user.name.value },
  ),
  headerComment: comment,
  finalNewline: fc.boolean(),
});

/** A scalar as written by hand: plain where YAML reads it back as the same string, else quoted. */
function render(scalar: Scalar, flow: boolean): string {
  const { value } = scalar;
  const plainSafe =
    /^[A-Za-z0-9_./ü集群é😀ï-][A-Za-z0-9_./ :ü集群é😀ïö'-]*$/u.test(value) &&
    !/: |:$| #|^-$|^(true|false|null|~|\d+)$/.test(value) &&
    !(flow && /[,[\]{}]/.test(value)) &&
    !value.startsWith("-") &&
    !value.endsWith(" ");
  const quoting = scalar.quoting === "plain" && !plainSafe ? "double" : scalar.quoting;
  if (quoting === "plain") return value;
  if (quoting === "single") return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value);
}

function renderExec(e: Exec, indent: string): string[] {
  const args =
    e.args === "absent" ? undefined : e.args === "empty" ? "[]" : e.args === "null" ? "null" : e.args;
  const env = e.env === "absent" ? undefined : e.env;
  const pci = e.provideClusterInfo === "absent" ? undefined : e.provideClusterInfo;
  if (e.flow) {
    const fields = [`apiVersion: ${e.apiVersion}`, `command: ${render(e.command, true)}`];
    if (args !== undefined)
      fields.push(
        `args: ${typeof args === "string" ? args : `[${args.map((a) => render(a, true)).join(", ")}]`}`,
      );
    if (env !== undefined)
      fields.push(
        `env: [${env.map(([n, v]) => `{name: ${render(n, true)}, value: ${render(v, true)}}`).join(", ")}]`,
      );
    if (pci !== undefined) fields.push(`provideClusterInfo: ${pci}`);
    return [`${indent}exec: {${fields.join(", ")}}${e.comment === undefined ? "" : ` ${e.comment}`}`];
  }
  const inner = `${indent}  `;
  const lines = [
    `${indent}exec:${e.comment === undefined ? "" : ` ${e.comment}`}`,
    `${inner}apiVersion: ${e.apiVersion}`,
  ];
  lines.push(`${inner}command: ${render(e.command, false)}`);
  if (args !== undefined) {
    if (typeof args === "string") lines.push(`${inner}args: ${args}`);
    else if (e.argsFlow) lines.push(`${inner}args: [${args.map((a) => render(a, true)).join(", ")}]`);
    else if (args.length === 0) lines.push(`${inner}args: []`);
    else lines.push(`${inner}args:`, ...args.map((a) => `${inner}- ${render(a, false)}`));
  }
  if (env !== undefined) {
    if (e.envFlow || env.length === 0)
      lines.push(
        `${inner}env: [${env.map(([n, v]) => `{name: ${render(n, true)}, value: ${render(v, true)}}`).join(", ")}]`,
      );
    else
      lines.push(
        `${inner}env:`,
        ...env.flatMap(([n, v]) => [
          `${inner}- name: ${render(n, false)}`,
          `${inner}  value: ${render(v, false)}`,
        ]),
      );
  }
  if (pci !== undefined) lines.push(`${inner}provideClusterInfo: ${pci}`);
  return lines;
}

function renderKubeconfig(k: Kubeconfig): string {
  const item = k.indentSequences ? "  " : "";
  const lines: string[] = [];
  if (k.headerComment !== undefined) lines.push(k.headerComment);
  lines.push("apiVersion: v1", "kind: Config", "clusters:", `${item}- name: c1`, `${item}  cluster:`);
  lines.push(`${item}    server: https://127.0.0.1:6443`, "users:");
  for (const user of k.users) {
    lines.push(`${item}- name: ${render(user.name, false)}`, `${item}  user:`);
    if (user.exec === undefined) lines.push(`${item}    token: not-a-secret`);
    else lines.push(...renderExec(user.exec, `${item}    `));
  }
  lines.push("current-context: c1");
  return lines.join(k.eol) + (k.finalNewline ? k.eol : "");
}

test("restore(inject(x)) gives x back byte for byte", () => {
  fc.assert(
    fc.property(kubeconfig.map(renderKubeconfig), (source) => {
      const injected = injectKubeconfig(source, OPTIONS).text;
      assert.equal(restoreKubeconfig(injected, OPTIONS).text, source);
    }),
  );
});

test("inject is idempotent: injecting an injected file changes nothing", () => {
  fc.assert(
    fc.property(kubeconfig.map(renderKubeconfig), (source) => {
      const once = injectKubeconfig(source, OPTIONS);
      if (once.users.some((user) => user.action === "injected")) assert.notEqual(once.text, source);
      assert.equal(injectKubeconfig(once.text, OPTIONS).text, once.text);
    }),
  );
});

test("restore leaves a file that was never injected as it is", () => {
  fc.assert(
    fc.property(kubeconfig.map(renderKubeconfig), (source) => {
      assert.equal(restoreKubeconfig(source, OPTIONS).text, source);
    }),
  );
});

test("inject keeps every line outside exec entries and every line ending", () => {
  fc.assert(
    fc.property(kubeconfig, (k) => {
      const source = renderKubeconfig(k);
      const injected = injectKubeconfig(source, OPTIONS).text;
      if (k.eol === "\r\n") assert.ok(!/[^\r]\n/.test(injected), "every line still ends in CRLF");
      const outside = (text: string): string[] =>
        text.split(k.eol).filter((line) => /^(apiVersion|kind|clusters|users|current-context|#)/.test(line));
      assert.deepEqual(outside(injected), outside(source));
    }),
  );
});
