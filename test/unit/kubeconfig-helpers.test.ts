import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import {
  type RestoreState,
  decodeRestoreState,
  encodeRestoreState,
} from "../../src/core/kubeconfig/restore-state.js";
import { formatScalar } from "../../src/core/kubeconfig/text.js";
import { unifiedDiff } from "../../src/core/kubeconfig/unified-diff.js";
import { useTempDir } from "./support/temp-dir.js";

const STATES: RestoreState[] = [
  {},
  { provideClusterInfo: null },
  { provideClusterInfo: "false", env: " null" },
  { command: "./bin/get-token", args: null, env: null, provideClusterInfo: null, user: false },
];
for (const state of STATES) {
  test(`restore state ${JSON.stringify(state)} round-trips`, () => {
    assert.deepEqual(decodeRestoreState(encodeRestoreState(state)), state);
  });
}
for (const text of [
  "",
  "x",
  "[]",
  "null",
  '{"future":1}',
  '{"args":1}',
  '{"user":true}',
  '{"command":null}',
]) {
  test(`restore state ${JSON.stringify(text)} is refused`, () => {
    assert.equal(decodeRestoreState(text), undefined);
  });
}

const SCALARS: { value: string; block: string; flow: string }[] = [
  { value: "kcc-cache", block: "kcc-cache", flow: "kcc-cache" },
  { value: "/usr/local/bin/kcc-cache", block: "/usr/local/bin/kcc-cache", flow: "/usr/local/bin/kcc-cache" },
  {
    value: "arn:aws:eks:us-west-2:123456789012:cluster/prod",
    block: "arn:aws:eks:us-west-2:123456789012:cluster/prod",
    flow: "'arn:aws:eks:us-west-2:123456789012:cluster/prod'",
  },
  { value: "yes", block: "'yes'", flow: "'yes'" },
  { value: "true", block: "'true'", flow: "'true'" },
  { value: "123", block: "'123'", flow: "'123'" },
  { value: "~", block: "'~'", flow: "'~'" },
  { value: "a b", block: "'a b'", flow: "'a b'" },
  { value: "-x", block: "'-x'", flow: "'-x'" },
  { value: '{"env":null}', block: `'{"env":null}'`, flow: `'{"env":null}'` },
  { value: "it's", block: '"it\'s"', flow: '"it\'s"' },
  { value: "", block: '""', flow: '""' },
  { value: "line\nbreak", block: '"line\\nbreak"', flow: '"line\\nbreak"' },
];
for (const { value, block, flow } of SCALARS) {
  test(`formatScalar(${JSON.stringify(value)})`, () => {
    assert.equal(formatScalar(value, "block"), block);
    assert.equal(formatScalar(value, "flow"), flow);
    assert.deepEqual(parse(`k: ${block}`, { version: "1.1" }), { k: value });
    assert.deepEqual(parse(`[${flow}]`), [value]);
  });
}

// GNU diff is the reference for the unified format.
const DIFFS: [string, string][] = [
  ["a\nb\nc\n", "a\nc\nd\n"],
  ["", "x\n"],
  ["x\n", ""],
  ["a\nb", "a\nb\n"],
  ["a\r\nb\r\n", "a\r\nx\r\nb\r\n"],
  [
    Array.from({ length: 30 }, (_, i) => `${i}\n`).join(""),
    Array.from({ length: 30 }, (_, i) => (i === 3 || i === 25 ? `${i}!\n` : `${i}\n`)).join(""),
  ],
];
for (const [index, [before, after]] of DIFFS.entries()) {
  test(`unifiedDiff case ${index} matches diff -u`, (t) => {
    const dir = useTempDir(t, "kcc-diff-");
    writeFileSync(join(dir, "a"), before);
    writeFileSync(join(dir, "b"), after);
    let expected = "";
    try {
      execFileSync("diff", ["-u", "--label", "a/config", "--label", "b/config", "a", "b"], { cwd: dir });
    } catch (error) {
      expected = String((error as { stdout: Buffer }).stdout);
    }
    assert.equal(unifiedDiff(before, after, "a/config", "b/config"), expected);
  });
}

test("unifiedDiff of equal texts is empty", () => {
  assert.equal(unifiedDiff("a\n", "a\n", "a", "b"), "");
});
