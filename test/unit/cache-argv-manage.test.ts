import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCacheArgv } from "../../src/cli/cache-argv.js";
import { UsageError } from "../../src/core/errors.js";

test("management options replace the plugin", () => {
  const cases: [string[], ReturnType<typeof parseCacheArgv>][] = [
    [["--list"], { kind: "list", json: false }],
    [["--list", "--json"], { kind: "list", json: true }],
    [["--status"], { kind: "status", json: false }],
    [["--status", "--json"], { kind: "status", json: true }],
    [["--clear"], { kind: "clear", keys: [] }],
    [
      ["--clear", 'exec=["aws"]', 'user="a" exec=["b"]'],
      { kind: "clear", keys: ['exec=["aws"]', 'user="a" exec=["b"]'] },
    ],
    [["aws", "--list"], { kind: "run", command: "aws", args: ["--list"] }],
    [["--", "--list"], { kind: "run", command: "--list", args: [] }],
  ];
  for (const [argv, expected] of cases) assert.deepEqual(parseCacheArgv(argv), expected, argv.join(" "));
});

test("management options take nothing else", () => {
  for (const argv of [["--list", "aws"], ["--list", "--json", "x"], ["--status", "--yaml"], ["--json"]]) {
    assert.throws(() => parseCacheArgv(argv), UsageError, argv.join(" "));
  }
});
