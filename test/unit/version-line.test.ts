import assert from "node:assert/strict";
import { test } from "node:test";
import { versionLine, type RuntimeFacts } from "../../src/core/version-line.js";

const NODE: RuntimeFacts = { bun: undefined, node: "v20.20.2", os: "linux", arch: "x64" };
const LINES: [string, string, RuntimeFacts, string][] = [
  ["Node", "abc1234", NODE, "kcc-cache 0.1.0 (Node v20.20.2, commit abc1234)\n"],
  [
    "Node, built outside a git checkout",
    "unknown",
    NODE,
    "kcc-cache 0.1.0 (Node v20.20.2, commit unknown)\n",
  ],
  [
    "the linux binary",
    "abc1234",
    { ...NODE, bun: "1.2.3" },
    "kcc-cache 0.1.0 (standalone binary, linux-x64, commit abc1234)\n",
  ],
  [
    "the macOS arm64 binary",
    "abc1234",
    { ...NODE, bun: "1.2.3", os: "darwin", arch: "arm64" },
    "kcc-cache 0.1.0 (standalone binary, darwin-arm64, commit abc1234)\n",
  ],
  [
    "the Windows binary, named as the release names it",
    "abc1234",
    { ...NODE, bun: "1.2.3", os: "win32" },
    "kcc-cache 0.1.0 (standalone binary, windows-x64, commit abc1234)\n",
  ],
];
for (const [what, commit, facts, line] of LINES)
  test(`versionLine: ${what}`, () => {
    const printed = versionLine("kcc-cache", "0.1.0", commit, facts);
    assert.equal(printed, line);
    assert.ok(
      printed.startsWith("kcc-cache 0.1.0 "),
      "installers and scripts read `<command> <version>` first",
    );
  });
