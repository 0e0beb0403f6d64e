import assert from "node:assert/strict";
import { test } from "node:test";
import type { Env } from "../../src/core/config.js";
import {
  isWindowsAbsolute,
  lookUpWindowsCommand,
  splitPathList,
  type WindowsFiles,
} from "../../src/core/windows/command-lookup.js";

// None of this runs on Linux: these rows are the proof. A fake NTFS: names ignore case, and relative
// paths are taken from the current directory C:\work.
function filesOf(existing: readonly string[]): WindowsFiles {
  const full = (path: string): string => {
    const native = path.replaceAll("/", "\\");
    return (isWindowsAbsolute(native) ? native : `C:\\work\\${native.replace(/^\.\\/, "")}`).toLowerCase();
  };
  const set = new Set(existing.map(full));
  return { isFile: (path) => set.has(full(path)), sameFile: (a, b) => full(a) === full(b) };
}

const BIN = { PATH: "C:\\bin" };

test("lookUpWindowsCommand finds the file Go's exec.Command would run", () => {
  const cases: [string, string, Env, string[], string][] = [
    // what, command, env, existing files, expected
    ["bare name, default PATHEXT", "aws", BIN, ["C:\\bin\\aws.exe"], "found C:\\bin\\aws.exe"],
    [
      "unset PATHEXT: .com first",
      "aws",
      BIN,
      ["C:\\bin\\aws.exe", "C:\\bin\\aws.com"],
      "found C:\\bin\\aws.com",
    ],
    [
      "empty PATHEXT: the default",
      "aws",
      { ...BIN, PATHEXT: "" },
      ["C:\\bin\\aws.cmd"],
      "found C:\\bin\\aws.cmd",
    ],
    [
      "PATHEXT order: .EXE before .CMD",
      "az",
      { ...BIN, PATHEXT: ".COM;.EXE;.BAT;.CMD" },
      ["C:\\bin\\az.cmd", "C:\\bin\\az.exe"],
      "found C:\\bin\\az.exe",
    ],
    [
      "PATHEXT order: .CMD before .EXE",
      "az",
      { ...BIN, PATHEXT: ".CMD;.EXE" },
      ["C:\\bin\\az.cmd", "C:\\bin\\az.exe"],
      "found C:\\bin\\az.cmd",
    ],
    [
      "PATHEXT entries without a dot",
      "az",
      { ...BIN, PATHEXT: "CMD" },
      ["C:\\bin\\az.cmd"],
      "found C:\\bin\\az.cmd",
    ],
    ["PATHEXT without .BAT", "kl", { ...BIN, PATHEXT: ".EXE" }, ["C:\\bin\\kl.bat"], "not-found"],
    [
      "PATHEXT of only separators: the name as is",
      "tool",
      { ...BIN, PATHEXT: ";;" },
      ["C:\\bin\\tool"],
      "found C:\\bin\\tool",
    ],
    [
      "the first PATH directory wins over a later extension",
      "az",
      { PATH: "C:\\a;C:\\b" },
      ["C:\\a\\az.cmd", "C:\\b\\az.exe"],
      "found C:\\a\\az.cmd",
    ],
    ["extension given", "aws.exe", BIN, ["C:\\bin\\aws.exe"], "found C:\\bin\\aws.exe"],
    ["a dot in the name", "tool.v2", BIN, ["C:\\bin\\tool.v2.exe"], "found C:\\bin\\tool.v2.exe"],
    [
      "extension given, yet foo.bat.exe",
      "foo.bat",
      BIN,
      ["C:\\bin\\foo.bat.exe"],
      "found C:\\bin\\foo.bat.exe",
    ],
    ["extension given, neither", "foo.bat", BIN, ["C:\\bin\\foo.exe"], "not-found"],
    ["not found", "gcloud", BIN, ["C:\\bin\\aws.exe"], "not-found"],
    ["no PATH at all", "aws", {}, ["C:\\bin\\aws.exe"], "not-found"],
    ["empty name", "", BIN, ["C:\\bin\\.exe"], "not-found"],
    ["dot", ".", BIN, ["C:\\bin\\..exe"], "not-found"],
    ["dot dot", "..", BIN, ["C:\\bin\\...exe"], "not-found"],
    [
      "case: the name as given, PATHEXT lower-cased",
      "AWS",
      { ...BIN, PATHEXT: ".EXE" },
      ["c:\\BIN\\aws.EXE"],
      "found C:\\bin\\AWS.exe",
    ],
    [
      "case: Path and PathExt",
      "az",
      { Path: "C:\\bin", PathExt: ".CMD" },
      ["C:\\bin\\az.cmd"],
      "found C:\\bin\\az.cmd",
    ],
    [
      "empty PATH entries skipped",
      "aws",
      { PATH: ";;C:\\bin;" },
      ["C:\\bin\\aws.exe"],
      "found C:\\bin\\aws.exe",
    ],
    [
      "a quoted PATH entry holding ;",
      "aws",
      { PATH: '"C:\\my;dir";C:\\bin' },
      ["C:\\my;dir\\aws.exe"],
      "found C:\\my;dir\\aws.exe",
    ],
    [
      "a PATH entry with a trailing backslash",
      "aws",
      { PATH: "C:\\bin\\" },
      ["C:\\bin\\aws.exe"],
      "found C:\\bin\\aws.exe",
    ],
    ["a drive root on PATH", "aws", { PATH: "D:\\" }, ["D:\\aws.exe"], "found D:\\aws.exe"],
    [
      "a UNC directory on PATH",
      "aws",
      { PATH: "\\\\srv\\tools" },
      ["\\\\srv\\tools\\aws.exe"],
      "found \\\\srv\\tools\\aws.exe",
    ],
    ["relative with a separator: not PATH", "tools\\aws", BIN, ["C:\\bin\\tools\\aws.exe"], "not-found"],
    [
      "relative with a separator: from here",
      "tools\\aws",
      BIN,
      ["C:\\work\\tools\\aws.exe"],
      "found tools\\aws.exe",
    ],
    ["relative with a forward slash", "./aws", BIN, ["C:\\work\\aws.cmd"], "found ./aws.cmd"],
    ["absolute, no extension", "C:\\x\\tool", BIN, ["C:\\x\\tool.exe"], "found C:\\x\\tool.exe"],
    ["absolute with forward slashes", "C:/x/tool", BIN, ["C:\\x\\tool.bat"], "found C:/x/tool.bat"],
    ["absolute, a PATHEXT extension: taken unchecked", "C:\\x\\tool.CMD", BIN, [], "found C:\\x\\tool.CMD"],
    [
      "absolute, another extension that exists",
      "C:\\x\\tool.sh",
      BIN,
      ["C:\\x\\tool.sh"],
      "found C:\\x\\tool.sh",
    ],
    [
      "absolute, another extension, with .exe added",
      "C:\\x\\tool.v2",
      BIN,
      ["C:\\x\\tool.v2.exe"],
      "found C:\\x\\tool.v2.exe",
    ],
    ["absolute, missing", "C:\\x\\tool", BIN, ["C:\\bin\\tool.exe"], "not-found"],
    ["a drive-relative name is a path", "C:tool", BIN, ["C:\\bin\\C:tool.exe"], "not-found"],
    ["only in the current directory", "tool", BIN, ["C:\\work\\tool.exe"], "current-directory .\\tool.exe"],
    [
      "current directory and PATH, another file",
      "tool",
      BIN,
      ["C:\\work\\tool.exe", "C:\\bin\\tool.exe"],
      "current-directory .\\tool.exe",
    ],
    [
      "current directory and PATH, the same file",
      "tool",
      { PATH: "C:\\work" },
      ["C:\\work\\tool.exe"],
      "found C:\\work\\tool.exe",
    ],
    [
      "current directory skipped (NoDefaultCurrentDirectoryInExePath, empty)",
      "tool",
      { ...BIN, NoDefaultCurrentDirectoryInExePath: "" },
      ["C:\\work\\tool.exe", "C:\\bin\\tool.exe"],
      "found C:\\bin\\tool.exe",
    ],
    [
      "a relative PATH entry",
      "tool",
      { PATH: "bin", NoDefaultCurrentDirectoryInExePath: "1" },
      ["C:\\work\\bin\\tool.exe"],
      "current-directory bin\\tool.exe",
    ],
    [
      "a relative PATH entry before an absolute one",
      "tool",
      { PATH: "bin;C:\\bin", NoDefaultCurrentDirectoryInExePath: "1" },
      ["C:\\work\\bin\\tool.exe", "C:\\bin\\tool.exe"],
      "current-directory bin\\tool.exe",
    ],
  ];
  for (const [what, command, env, existing, expected] of cases) {
    const result = lookUpWindowsCommand(command, env, filesOf(existing));
    assert.equal(result.kind === "not-found" ? result.kind : `${result.kind} ${result.file}`, expected, what);
  }
});

test("splitPathList splits on ; outside double quotes and drops the quotes", () => {
  const cases: [string, string[]][] = [
    ["", []],
    ["C:\\a", ["C:\\a"]],
    ["C:\\a;;C:\\b;", ["C:\\a", "", "C:\\b", ""]],
    ['"C:\\a;b";C:\\c', ["C:\\a;b", "C:\\c"]],
    ['C:\\"x"y', ["C:\\xy"]],
  ];
  for (const [path, list] of cases) assert.deepEqual(splitPathList(path), list, path);
});

test("isWindowsAbsolute: a drive with a root, or a UNC path", () => {
  const cases: [string, boolean][] = [
    ["C:\\x", true],
    ["c:/x", true],
    ["C:\\", true],
    ["\\\\srv\\share\\x", true],
    ["//srv/share", true],
    ["C:x", false],
    ["\\x", false],
    ["\\\\srv", false],
    ["x\\y", false],
    [".\\x", false],
  ];
  for (const [path, absolute] of cases) assert.equal(isWindowsAbsolute(path), absolute, path);
});
