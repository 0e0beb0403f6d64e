import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseCommand } from "../../src/core/command-choice.js";

/** The one standalone binary is the command it is started as, or the command its first argument names. */
const rows: [string, string, readonly string[], string | undefined, readonly string[]][] = [
  // what, argv[0], arguments, command chosen (undefined: a usage error), its arguments
  ["a link named kcc-cache", "kcc-cache", ["aws", "eks"], "kcc-cache", ["aws", "eks"]],
  ["a link named kcc-injector, by path", "/usr/local/bin/kcc-injector", ["-i"], "kcc-injector", ["-i"]],
  ["a relative path", "./kcc-cache", ["--version"], "kcc-cache", ["--version"]],
  ["Windows, .exe in any case", "C:\\Tools\\KCC-Injector.EXE", ["-r"], "kcc-injector", ["-r"]],
  ["the build's own name", "dist/bin/kcc-cache-linux-x64", ["--status"], "kcc-cache", ["--status"]],
  [
    "a plugin named kcc-injector stays a plugin",
    "kcc-cache",
    ["kcc-injector", "x"],
    "kcc-cache",
    ["kcc-injector", "x"],
  ],
  ["the release's name, command first", "kube-credential-cache", ["kcc-cache", "aws"], "kcc-cache", ["aws"]],
  [
    "a Scoop shim's target",
    "C:\\scoop\\apps\\kcc\\current\\kube-credential-cache.exe",
    ["kcc-injector", "-i"],
    "kcc-injector",
    ["-i"],
  ],
  ["a renamed copy, command first", "/opt/kcc", ["kcc-injector"], "kcc-injector", []],
  ["neither name nor command", "kube-credential-cache", ["aws", "eks"], undefined, []],
  ["no arguments at all", "kube-credential-cache", [], undefined, []],
  ["a name that only begins like one", "kcc-cachex", ["aws"], undefined, []],
  ["an empty argv[0]", "", ["kcc-cache", "aws"], "kcc-cache", ["aws"]],
];

for (const [what, invokedAs, args, command, rest] of rows) {
  test(`chooseCommand: ${what}`, () => {
    const choice = chooseCommand(invokedAs, args);
    if (command === undefined) {
      assert.equal(choice.kind, "usage");
      if (choice.kind === "usage") assert.match(choice.message, /kcc-cache <plugin>.*kcc-injector/);
    } else {
      assert.deepEqual(choice, { kind: "command", command, args: rest });
    }
  });
}
