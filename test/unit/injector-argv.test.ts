import assert from "node:assert/strict";
import { test } from "node:test";
import { parseInjectorArgv } from "../../src/cli/injector-argv.js";
import { UsageError } from "../../src/core/errors.js";

const edit = (overrides: Partial<Record<string, unknown>> = {}): ReturnType<typeof parseInjectorArgv> => ({
  kind: "edit",
  mode: "inject",
  paths: [],
  inPlace: false,
  diff: false,
  injectionCommand: "kcc-cache",
  users: [],
  ...overrides,
});

test("the Go original's flags, and ours, become one edit request", () => {
  const cases: [string[], ReturnType<typeof parseInjectorArgv>][] = [
    [[], edit()],
    [["-i"], edit({ inPlace: true })],
    [["-i", "-r", "a.yaml"], edit({ inPlace: true, mode: "restore", paths: ["a.yaml"] })],
    [["-ir", "a.yaml", "b.yaml"], edit({ inPlace: true, mode: "restore", paths: ["a.yaml", "b.yaml"] })],
    [["-c", "/opt/kcc-cache"], edit({ injectionCommand: "/opt/kcc-cache" })],
    [["-c=kcc"], edit({ injectionCommand: "kcc" })], // Go's flag package's form
    [["--", "-c=kcc"], edit({ paths: ["-c=kcc"] })],
    [["--command", "kcc"], edit({ injectionCommand: "kcc" })],
    [["--user", "a", "--user", "b"], edit({ users: ["a", "b"] })],
    [["--diff", "k.yaml"], edit({ diff: true, paths: ["k.yaml"] })],
    [["--", "-i"], edit({ paths: ["-i"] })],
    [["-h", "-i"], { kind: "help" }],
    [["--version"], { kind: "version" }],
    [["--completion", "zsh"], { kind: "completion", shell: "zsh" }],
    [["--completion=powershell", "-i"], { kind: "completion", shell: "powershell" }],
  ];
  for (const [argv, expected] of cases) assert.deepEqual(parseInjectorArgv(argv), expected, argv.join(" "));
});

test("unknown flags, a missing -c value, an empty command or user are usage errors naming the problem", () => {
  const cases: [string[], RegExp][] = [
    [["--bogus"], /^unknown option "--bogus"$/],
    [["-x"], /^unknown option "-x"$/],
    [["-ix"], /^unknown option "-x"$/],
    [["-c"], /^option "-c" needs a value, e.g. -c kcc-cache$/],
    [["-c", " "], /^option "-c" needs a value, e.g. -c kcc-cache$/],
    [["-c="], /^option "-c" needs a value/],
    [["--user"], /^option "--user" needs a value, e.g. --user NAME$/],
    [["--user", ""], /^option "--user" needs a value/],
    [["--diff=yes"], /^--diff takes no value$/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseInjectorArgv(argv),
      (error: unknown) => {
        assert.ok(error instanceof UsageError, argv.join(" "));
        assert.match(error.message, message, argv.join(" "));
        assert.doesNotMatch(error.message, /\n/, "one line");
        return true;
      },
    );
  }
});
