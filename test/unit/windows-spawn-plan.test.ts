import assert from "node:assert/strict";
import { test } from "node:test";
import type { Env } from "../../src/core/config.js";
import { isKccError } from "../../src/core/errors.js";
import type { WindowsFiles } from "../../src/core/windows/command-lookup.js";
import { planWindowsSpawn } from "../../src/core/windows/spawn-plan.js";
import { runPlugin } from "../../src/io/processes/plugin.js";

// None of this runs on Linux: the plans below are the proof of what Windows is handed.
const FILES: WindowsFiles = {
  isFile: (path) => ["c:\\bin\\aws.exe", "c:\\bin\\az.cmd"].includes(path.toLowerCase()),
  sameFile: (a, b) => a.toLowerCase() === b.toLowerCase(),
};
const ENV: Env = { PATH: "C:\\bin", SystemRoot: "C:\\Windows" };
const CMD = ["/d", "/e:ON", "/v:OFF", "/s", "/c"];

test("planWindowsSpawn: a program directly, a batch file through the system's cmd.exe", () => {
  const cases: [string, string, string[], Env, unknown][] = [
    [
      "an .exe: Node quotes the arguments",
      "aws",
      ["eks", "get-token", "--cluster-name", "a b"],
      ENV,
      {
        kind: "spawn",
        file: "C:\\bin\\aws.exe",
        args: ["eks", "get-token", "--cluster-name", "a b"],
        verbatim: false,
      },
    ],
    [
      "a .cmd: cmd.exe, the line verbatim",
      "az",
      ["account", "get-access-token", "--tenant=a&b"],
      ENV,
      {
        kind: "spawn",
        file: "C:\\Windows\\System32\\cmd.exe",
        args: [...CMD, '""C:\\bin\\az.cmd" account get-access-token "--tenant=a&b""'],
        verbatim: true,
      },
    ],
    [
      "ComSpec is not used; systemroot in any case",
      "C:\\bin\\az.cmd",
      [],
      { systemroot: "D:\\Win\\", ComSpec: "C:\\tcc\\tcc.exe" },
      {
        kind: "spawn",
        file: "D:\\Win\\System32\\cmd.exe",
        args: [...CMD, '""C:\\bin\\az.cmd""'],
        verbatim: true,
      },
    ],
    [
      "no SystemRoot: cmd.exe by name",
      "C:\\bin\\az.cmd",
      [],
      {},
      { kind: "spawn", file: "cmd.exe", args: [...CMD, '""C:\\bin\\az.cmd""'], verbatim: true },
    ],
    ["not found", "gcloud", [], ENV, { kind: "not-found" }],
    [
      "a refused argument",
      "az",
      ["a\nb"],
      ENV,
      {
        kind: "refused",
        why: "argument 1 holds a line break or NUL, which cmd.exe cannot pass to a batch file",
      },
    ],
  ];
  for (const [what, command, args, env, expected] of cases) {
    assert.deepEqual(planWindowsSpawn(command, args, env, FILES), expected, what);
  }
});

// runPlugin's Windows branch decides before anything is spawned, so its refusals can be checked here.
// The command is this Node binary, which Windows' rules do not find (no .exe on its name): the old
// code ran it instead.
test("runPlugin on win32: not found is exit 127 with the usual message", async () => {
  await assert.rejects(
    runPlugin(process.execPath, ["-e", ""], { PATH: "C:\\nowhere" }, { platform: "win32" }),
    (error: unknown) =>
      isKccError(error) &&
      error.exitCode === 127 &&
      error.message ===
        `credential plugin ${JSON.stringify(process.execPath)} was not found: install it, or fix the command in your kubeconfig`,
  );
  await assert.rejects(
    runPlugin("no-such-plugin", [], { PATH: "C:\\nowhere" }, { platform: "win32" }),
    (error: unknown) =>
      isKccError(error) &&
      error.exitCode === 127 &&
      error.message.startsWith('credential plugin "no-such-plugin" was not found on PATH: install it'),
  );
});

test("runPlugin on win32: an argument a batch file cannot take safely is refused, exit 126, unquoted", async () => {
  await assert.rejects(
    runPlugin("C:\\x\\tool.cmd", ["--secret=s3cr3t\r\n&whoami"], {}, { platform: "win32" }),
    (error: unknown) =>
      isKccError(error) &&
      error.exitCode === 126 &&
      error.message ===
        'credential plugin "C:\\\\x\\\\tool.cmd" was not run: argument 1 holds a line break or NUL, which cmd.exe cannot pass to a batch file',
  );
});
