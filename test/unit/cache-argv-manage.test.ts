import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCacheArgv } from "../../src/cli/cache-argv.js";
import { parseManageArgv } from "../../src/cli/manage-argv.js";
import { UsageError } from "../../src/core/errors.js";

/** As kcc-cache reads a command line: the credential call's parser, then the management one if it asks. */
function parse(argv: string[]): ReturnType<typeof parseCacheArgv> {
  const command = parseCacheArgv(argv);
  return command.kind === "manage" ? parseManageArgv(argv) : command;
}

const PARSED: [string[], ReturnType<typeof parseCacheArgv>][] = [
  [["--list"], { kind: "list", json: false, filter: {} }],
  [["--list", "--json"], { kind: "list", json: true, filter: {} }],
  [["--json", "--list"], { kind: "list", json: true, filter: {} }],
  [["--status"], { kind: "status", json: false }],
  [["--status", "--json"], { kind: "status", json: true }],
  [["--json", "--status"], { kind: "status", json: true }],
  [["--clear"], { kind: "clear", target: { kind: "all", forgetSecretStore: false } }],
  [["--clear", "--all"], { kind: "clear", target: { kind: "all", forgetSecretStore: false } }],
  [["--all", "--clear"], { kind: "clear", target: { kind: "all", forgetSecretStore: false } }],
  [["--clear", "--forget-secret-store"], { kind: "clear", target: { kind: "all", forgetSecretStore: true } }],
  [
    ["--forget-secret-store", "--clear", "--all"],
    { kind: "clear", target: { kind: "all", forgetSecretStore: true } },
  ],
  [
    ["--clear", 'exec=["aws"]', 'user="a" exec=["b"]'],
    { kind: "clear", target: { kind: "keys", keys: ['exec=["aws"]', 'user="a" exec=["b"]'] } },
  ],
  [["--clear", "--", "-odd-key"], { kind: "clear", target: { kind: "keys", keys: ["-odd-key"] } }],
  [["--clear", "--user", "alice"], { kind: "clear", target: { kind: "filter", filter: { user: "alice" } } }],
  [["--user=alice", "--clear"], { kind: "clear", target: { kind: "filter", filter: { user: "alice" } } }],
  [
    ["--clear", "--context", "prod", "--plugin", "aws"],
    { kind: "clear", target: { kind: "filter", filter: { context: "prod", plugin: "aws" } } },
  ],
  [["--list", "--cluster", "c", "--json"], { kind: "list", json: true, filter: { cluster: "c" } }],
  [["--list", "--user", "--x"], { kind: "list", json: false, filter: { user: "--x" } }],
  [["--completion", "bash"], { kind: "completion", shell: "bash" }],
  [["--completion=fish"], { kind: "completion", shell: "fish" }],
  [["--list", "--completion", "zsh"], { kind: "completion", shell: "zsh" }],
  [["--list", "--help"], { kind: "help" }],
  [["--user", "a", "--clear"], { kind: "clear", target: { kind: "filter", filter: { user: "a" } } }],
  [["aws", "--list"], { kind: "run", command: "aws", args: ["--list"] }],
  [["--", "--list"], { kind: "run", command: "--list", args: [] }],
];
for (const [argv, expected] of PARSED)
  test(`parseCacheArgv: ${argv.join(" ")}`, () => {
    assert.deepEqual(parse(argv), expected);
  });

const REFUSED: [string[], RegExp][] = [
  [["--list", "aws"], /^--list takes no keys \(got "aws"\)/],
  [["--list", "--json", "x"], /^--list takes no keys/],
  [["--status", "--yaml"], /^unknown option "--yaml"$/],
  [["--status", "k"], /^--status takes only --json$/],
  [["--status", "--user", "a"], /^--status takes only --json$/],
  [["--json"], /^--json goes with --list or --status$/],
  [["--clear", "--json"], /^--json goes with --list or --status$/],
  [["--json", "--clear", "k"], /^--json goes with --list or --status$/],
  [["--user", "a"], /^--user goes with --list or --clear$/],
  [["--user", "a", "aws"], /^--user goes with --list or --clear$/],
  [["--all"], /^--all goes with --clear$/],
  [["--list", "--all"], /^--all goes with --clear/],
  [["--list", "--clear"], /^--list and --clear cannot be combined$/],
  [["--clear", "k", "--user", "a"], /^--clear takes keys, filters or --all, one of them$/],
  [["--clear", "--all", "k"], /^--clear takes keys, filters or --all, one of them$/],
  [["--clear", "--all", "--plugin", "aws"], /^--all clears everything/],
  [["--clear", "--user"], /^option "--user" needs a value, e.g. --user NAME$/],
  [["--clear", "--user="], /^option "--user" needs a value/],
  [["--clear", "--user", "a", "--user", "b"], /^--user given twice$/],
  [["--list=x"], /^--list takes no value$/],
  [["--completion"], /^option "--completion" needs a value, e.g. --completion bash$/],
  [["--forget-secret-store"], /^--forget-secret-store goes with --clear$/],
  [["--clear", "k", "--forget-secret-store"], /^--forget-secret-store goes with a --clear of everything/],
  [
    ["--clear", "--user", "a", "--forget-secret-store"],
    /^--forget-secret-store goes with a --clear of everything/,
  ],
  [["--list", "--forget-secret-store"], /^--forget-secret-store goes with a --clear of everything/],
];
for (const [argv, message] of REFUSED)
  test(`parseCacheArgv refuses ${argv.join(" ")}`, () => {
    assert.throws(
      () => parse(argv),
      (error: unknown) => error instanceof UsageError && message.test(error.message),
    );
  });
