import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCacheArgv } from "../../src/cli/cache-argv.js";
import { UsageError } from "../../src/core/errors.js";

test("options are kcc-cache's only before the plugin", () => {
  const cases: [string[], ReturnType<typeof parseCacheArgv>][] = [
    [["aws", "eks", "get-token"], { kind: "run", command: "aws", args: ["eks", "get-token"] }],
    [["aws", "--help"], { kind: "run", command: "aws", args: ["--help"] }],
    [["--", "--weird-plugin", "-x"], { kind: "run", command: "--weird-plugin", args: ["-x"] }],
    [["-h"], { kind: "help" }],
    [["--help", "aws"], { kind: "help" }],
    [["--version"], { kind: "version" }],
  ];
  for (const [argv, expected] of cases) assert.deepEqual(parseCacheArgv(argv), expected, argv.join(" "));
});

const REFUSED: [string[], RegExp][] = [
  [[], /^missing the credential plugin to run/],
  [["--"], /^missing the credential plugin to run/],
  [[""], /^missing the credential plugin to run/],
  [["--bogus", "aws"], /^unknown option "--bogus"$/],
  [["-x"], /^unknown option "-x"$/],
];
for (const [argv, message] of REFUSED)
  test(`a usage error: ${JSON.stringify(argv)}`, () => {
    assert.throws(
      () => parseCacheArgv(argv),
      (error: unknown) => error instanceof UsageError && message.test(error.message),
    );
  });
