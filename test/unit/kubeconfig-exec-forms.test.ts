import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { injectKubeconfig, restoreKubeconfig } from "../../src/core/kubeconfig/edits.js";

/**
 * Every spelling of an exec entry that kubectl reads must inject, restore byte for byte, and stay put
 * when injected again: trailing spaces, empty and null lists, flow style, comments after values.
 * Each row is the exec mapping's lines (indented under `exec:`) and the args kubectl then runs with.
 */
const FORMS: { name: string; exec: string; args: string[] }[] = [
  { name: "args: with a trailing space", exec: "command: aws\nargs: \n", args: ["aws"] },
  { name: "args: and env: with trailing spaces", exec: "command: aws\nargs:  \nenv:   \n", args: ["aws"] },
  { name: "args: empty", exec: "command: aws\nargs:\n", args: ["aws"] },
  { name: "args: null", exec: "command: aws\nargs: null\n", args: ["aws"] },
  { name: "args: null with a trailing space", exec: "command: aws\nargs: null \n", args: ["aws"] },
  { name: "args: ~", exec: "command: aws\nargs: ~\n", args: ["aws"] },
  { name: "args: [] ", exec: "command: aws\nargs: [] \n", args: ["aws"] },
  { name: "args: [ ]", exec: "command: aws\nargs: [ ]\n", args: ["aws"] },
  { name: "args: [] with a comment", exec: "command: aws\nargs: [] # none\n", args: ["aws"] },
  { name: "args: with only a comment", exec: "command: aws\nargs: # none yet\n", args: ["aws"] },
  {
    name: "args: null with a comment",
    exec: "command: aws\nargs: null # as kubectl writes\n",
    args: ["aws"],
  },
  { name: "env: null with a comment", exec: "command: aws\nenv: null # none\n", args: ["aws"] },
  { name: "env: with a comment", exec: "command: aws\nenv: # none\n", args: ["aws"] },
  { name: "env: [] with a trailing space", exec: "command: aws\nenv: [] \n", args: ["aws"] },
  { name: "args before command, null", exec: "args: null # x\ncommand: aws\nenv: null\n", args: ["aws"] },
  {
    name: "flow args with a comment",
    exec: "command: aws\nargs: [eks, get-token]  # flow\n",
    args: ["aws", "eks", "get-token"],
  },
  {
    name: "flow args over lines",
    exec: "command: aws\nargs: [\n    eks,\n    get-token\n  ]\n",
    args: ["aws", "eks", "get-token"],
  },
  {
    name: "indented block args with comments",
    exec: "command: aws # the CLI\nargs:\n  - eks # sub\n  - get-token\n",
    args: ["aws", "eks", "get-token"],
  },
  {
    name: "block args with trailing spaces",
    exec: "command: aws  \nargs:\n- eks  \n- get-token \n",
    args: ["aws", "eks", "get-token"],
  },
  { name: "flow env items", exec: "command: aws\nenv:\n- {name: A, value: b} # c\n", args: ["aws"] },
  { name: "provideClusterInfo: empty", exec: "command: aws\nprovideClusterInfo: \n", args: ["aws"] },
  {
    name: "provideClusterInfo: false with a comment",
    exec: "command: aws\nprovideClusterInfo: false # c\n",
    args: ["aws"],
  },
  { name: "last line without a newline", exec: "command: aws\nargs: ", args: ["aws"] },
  { name: "CRLF with trailing spaces", exec: "command: aws\r\nargs: \r\nenv: null \r\n", args: ["aws"] },
];

const options = { label: "config", injectionCommand: "kcc-cache", users: undefined, baseDirectory: "/k" };
const kubeconfig = (exec: string): string => {
  const eol = exec.includes("\r\n") ? "\r\n" : "\n";
  const body = exec.replace(/(^|\n)(?=.)/g, "$1      ");
  return ["users:", "- name: u", "  user:", "    exec:", ""].join(eol) + body;
};
const execOf = (text: string): { command?: string; args?: string[] } =>
  (parse(text) as { users: { user: { exec: { command?: string; args?: string[] } } }[] }).users[0]?.user
    .exec ?? {};

for (const { name, exec, args } of FORMS) {
  test(`${name}: injects, restores byte for byte, injects once`, () => {
    const source = kubeconfig(exec);
    const injected = injectKubeconfig(source, options).text;
    assert.deepEqual(
      { command: execOf(injected).command, args: execOf(injected).args },
      { command: "kcc-cache", args },
    );
    assert.equal(restoreKubeconfig(injected, options).text, source);
    assert.equal(injectKubeconfig(injected, options).text, injected);
  });
}

test("a flow exec mapping with empty and null lists", () => {
  const source =
    "users:\n- name: u\n  user:\n    exec: {command: aws, args: [], env: null, provideClusterInfo: false}\n";
  const injected = injectKubeconfig(source, options).text;
  assert.deepEqual(execOf(injected).args, ["aws"]);
  assert.equal(restoreKubeconfig(injected, options).text, source);
});
