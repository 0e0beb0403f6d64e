// The check every injection passes before anything is written (src/core/kubeconfig/verify-injection.ts):
// parse the result, see the injection command, restore to the source byte for byte. Fed here with
// results that a planner bug could produce, both through the `users` entry alone and through the
// whole text; each must be refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { KubeconfigError } from "../../src/core/errors.js";
import { parseKubeconfig } from "../../src/core/kubeconfig/document.js";
import { type EditOptions, injectKubeconfig } from "../../src/core/kubeconfig/edits.js";
import { type TextSpan, checkedSpan, verifyInjection } from "../../src/core/kubeconfig/verify-injection.js";

const options: EditOptions = {
  label: "config",
  injectionCommand: "kcc-cache",
  users: undefined,
  baseDirectory: "/home/me/.kube",
};

const SOURCE = [
  "apiVersion: v1",
  "kind: Config",
  "clusters:",
  "- cluster:",
  "    server: https://a.example.com",
  "  name: a",
  "users:",
  "- name: first",
  "  user:",
  "    exec:",
  "      apiVersion: client.authentication.k8s.io/v1beta1",
  "      command: aws",
  "      args: [eks, get-token]",
  "# between the users and the contexts",
  "- name: second",
  "  user:",
  "    token: not-a-real-token",
  "contexts:",
  "- context: {cluster: a, user: first}",
  "  name: a",
  "current-context: a",
  "",
].join("\n");
const NAMES = new Set(["first"]);

/** The span verifyInjection would be given for `result`: the users entry, grown by the edit. */
function spanFor(result: string): TextSpan {
  const region = parseKubeconfig(SOURCE, "config").usersRegion;
  assert.ok(region, "the source's users entry is found");
  return { start: region.start, end: region.end + result.length - SOURCE.length };
}

const refused = (result: string, span: TextSpan | undefined): void => {
  assert.throws(
    () => {
      verifyInjection(SOURCE, result, NAMES, options, span);
    },
    (error: unknown) => error instanceof KubeconfigError && /inexact restore/.test(error.message),
  );
};

test("the users entry is found as whole lines, up to the next top-level key", () => {
  const region = parseKubeconfig(SOURCE, "config").usersRegion;
  assert.equal(SOURCE.slice(region?.start, region?.end).split("\n")[0], "users:");
  assert.ok(SOURCE.slice(region?.end).startsWith("contexts:\n"));
  assert.ok(SOURCE.slice(region?.start, region?.end).endsWith("    token: not-a-real-token\n"));
  assert.equal(
    parseKubeconfig("users: [{name: a}]\n", "c").usersRegion?.end,
    19,
    "the last key runs to the end",
  );
  assert.equal(parseKubeconfig("{users: []}\n", "c").usersRegion, undefined, "not in a flow mapping");
});

test("a correct injection passes the check, through the users entry alone and through the whole text", () => {
  const { text } = injectKubeconfig(SOURCE, options);
  assert.notEqual(text, SOURCE);
  verifyInjection(SOURCE, text, NAMES, options, spanFor(text));
  verifyInjection(SOURCE, text, NAMES, options, undefined);
});

test("results a planner bug could produce are refused either way", () => {
  const { text } = injectKubeconfig(SOURCE, options);
  const broken: [string, string][] = [
    [
      "a new top-level key at the end of the users entry",
      text.replace("contexts:\n", "evil: 1\ncontexts:\n"),
    ],
    ["another command", text.replace("command: kcc-cache", "command: other")],
    ["YAML that does not parse", text.replace("- name: second", "- name: 'second")],
    ["a restore that would not give the source back", text.replace("get-token", "get-token, extra")],
    ["the injected user's env gone", text.replace(/\n {6}env:[^]*?(?=\n {6}provideClusterInfo)/, "")],
  ];
  for (const [what, result] of broken) {
    assert.notEqual(result, text, `${what}: the tampering applies`);
    refused(result, spanFor(result));
    refused(result, undefined);
  }
});

test("the users entry alone is checked only when nothing outside it can change how it reads", () => {
  const { text } = injectKubeconfig(SOURCE, options);
  const parsed = parseKubeconfig(SOURCE, "config");
  const region = parsed.usersRegion;
  assert.ok(region);
  const inside = [{ start: region.start + 10, end: region.start + 10, text: "x" }];
  assert.deepEqual(checkedSpan(SOURCE, parsed, inside, text), spanFor(text));
  const outside = [{ start: 0, end: 0, text: "x" }];
  assert.equal(checkedSpan(SOURCE, parsed, outside, text), undefined, "an edit outside the entry");
  const anchored = SOURCE.replace("server: https://a.example.com", "server: &s https://a.example.com");
  assert.equal(checkedSpan(anchored, parseKubeconfig(anchored, "c"), inside, text), undefined, "an anchor");
  const directive = `%YAML 1.2\n---\n${SOURCE}`;
  assert.equal(checkedSpan(directive, parseKubeconfig(directive, "c"), [], text), undefined, "a directive");
});
