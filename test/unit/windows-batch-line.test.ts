import assert from "node:assert/strict";
import { test } from "node:test";
import { batchCommandLine, isBatchFile } from "../../src/core/windows/batch-line.js";

// None of this runs on Linux (no cmd.exe): the exact lines below are the proof. Each is what follows
// `cmd.exe /d /e:ON /v:OFF /s /c ` verbatim; /s strips the outermost quotes, so cmd.exe parses the rest.
const AZ = "C:\\bin\\az.cmd";

test("batchCommandLine quotes and escapes every argument against cmd.exe", () => {
  const cases: [string, string[], string][] = [
    ["no arguments", [], '""C:\\bin\\az.cmd""'],
    ["plain words", ["account", "get-access-token"], '""C:\\bin\\az.cmd" account get-access-token"'],
    [
      "safe punctuation unquoted",
      ["-o", "a.b/c:d@e_f+g#h$i*j?k"],
      '""C:\\bin\\az.cmd" -o a.b/c:d@e_f+g#h$i*j?k"',
    ],
    ["a path", ["C:\\x\\y.json"], '""C:\\bin\\az.cmd" C:\\x\\y.json"'],
    ["= (cmd splits %1 there)", ["--output=json"], '""C:\\bin\\az.cmd" "--output=json""'],
    ["empty argument", [""], '""C:\\bin\\az.cmd" """'],
    ["two empty arguments", ["", ""], '""C:\\bin\\az.cmd" "" """'],
    ["space", ["a b"], '""C:\\bin\\az.cmd" "a b""'],
    ["tab", ["a\tb"], '""C:\\bin\\az.cmd" "a\tb""'],
    ["quote doubled", ['a"b'], '""C:\\bin\\az.cmd" "a""b""'],
    ["only a quote", ['"'], '""C:\\bin\\az.cmd" """""'],
    ["backslash before a quote doubled", ['a\\"b'], '""C:\\bin\\az.cmd" "a\\\\""b""'],
    ["backslash elsewhere kept", ["a b\\c"], '""C:\\bin\\az.cmd" "a b\\c""'],
    ["trailing backslash: quoted, doubled", ["C:\\dir\\"], '""C:\\bin\\az.cmd" "C:\\dir\\\\""'],
    ["two trailing backslashes", ["a\\\\"], '""C:\\bin\\az.cmd" "a\\\\\\\\""'],
    ["&", ["a&b"], '""C:\\bin\\az.cmd" "a&b""'],
    ["|", ["a|b"], '""C:\\bin\\az.cmd" "a|b""'],
    ["<", ["a<b"], '""C:\\bin\\az.cmd" "a<b""'],
    [">", ["a>b"], '""C:\\bin\\az.cmd" "a>b""'],
    ["^", ["a^b"], '""C:\\bin\\az.cmd" "a^b""'],
    ["( ) , ;", ["(a),b;c"], '""C:\\bin\\az.cmd" "(a),b;c""'],
    ["! stays literal (delayed expansion off)", ["a!PATH!b"], '""C:\\bin\\az.cmd" "a!PATH!b""'],
    ["%PATH% cannot expand", ["%PATH%"], '""C:\\bin\\az.cmd" "%%cd:~,%PATH%%cd:~,%""'],
    ["a lone %", ["100%"], '""C:\\bin\\az.cmd" "100%%cd:~,%""'],
    ["the escape itself, escaped", ["%cd:~,%"], '""C:\\bin\\az.cmd" "%%cd:~,%cd:~,%%cd:~,%""'],
    ["quote then &", ['"&calc.exe'], '""C:\\bin\\az.cmd" """&calc.exe""'],
    ["backslash, quote, then &", ['\\"&calc'], '""C:\\bin\\az.cmd" "\\\\""&calc""'],
    [
      "quote, space, & and %",
      ['x" & echo %USERNAME%'],
      '""C:\\bin\\az.cmd" "x"" & echo %%cd:~,%USERNAME%%cd:~,%""',
    ],
    ["letters beyond ASCII unquoted", ["é日本"], '""C:\\bin\\az.cmd" é日本"'],
    ["a control character beyond ASCII quoted", ["a\u0085b"], '""C:\\bin\\az.cmd" "a\u0085b""'],
  ];
  for (const [what, args, expected] of cases) {
    assert.deepEqual(batchCommandLine(AZ, args), { ok: true, line: expected }, what);
  }
});

test("batchCommandLine quotes the script's path, and keeps a % in it from expanding", () => {
  const cases: [string, string][] = [
    ["C:\\Program Files\\az.cmd", '""C:\\Program Files\\az.cmd" x"'],
    ["C:\\a&b^c\\az.cmd", '""C:\\a&b^c\\az.cmd" x"'],
    ["C:\\100%\\az.cmd", '""C:\\100%%cd:~,%\\az.cmd" x"'],
    ["\\\\srv\\share\\az.bat", '""\\\\srv\\share\\az.bat" x"'],
  ];
  for (const [script, expected] of cases) {
    assert.deepEqual(batchCommandLine(script, ["x"]), { ok: true, line: expected }, script);
  }
});

test("batchCommandLine refuses what cmd.exe cannot be given safely, naming only the argument's position", () => {
  const secret = "s3cr3t-token";
  const cases: [string, string, string[], RegExp][] = [
    ["a line feed", AZ, ["ok", `${secret}\nwhoami`], /^argument 2 holds a line break or NUL/],
    ["a carriage return", AZ, [`${secret}\r&whoami`], /^argument 1 holds a line break or NUL/],
    ["NUL", AZ, [`a\0${secret}`], /^argument 1 holds a line break or NUL/],
    ["too long", AZ, [`${secret}${"x".repeat(8200)}`], /longer than cmd\.exe accepts \(8191/],
    ["a quote in the script path", 'C:\\a"b\\az.cmd', [], /^its path cannot be passed/],
    ["a script path ending in a backslash", "C:\\bin\\az.cmd\\", [], /^its path cannot be passed/],
  ];
  for (const [what, script, args, why] of cases) {
    const result = batchCommandLine(script, args);
    assert.ok(!result.ok, what);
    assert.match(result.why, why, what);
    assert.ok(!result.why.includes(secret), `${what}: no argument text in the message`);
  }
});

test("isBatchFile: .bat and .cmd in any case, trailing dots and spaces ignored as Windows does", () => {
  const cases: [string, boolean][] = [
    ["C:\\b\\az.cmd", true],
    ["C:\\b\\run.BAT", true],
    ["C:\\b\\az.Cmd", true],
    ["C:\\b\\az.cmd.", true],
    ["C:\\b\\az.bat . ", true],
    ["C:\\b\\aws.exe", false],
    ["C:\\b\\az.cmd.exe", false],
    ["C:\\b\\cmd", false],
    ["C:\\b\\a.batch", false],
    ["C:\\b\\tool", false],
  ];
  for (const [file, batch] of cases) assert.equal(isBatchFile(file), batch, file);
});
