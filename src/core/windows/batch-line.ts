/**
 * The command line that runs a batch file (.cmd, .bat) through cmd.exe without letting an argument
 * become a command. Windows runs every batch file through cmd.exe, which expands %VARIABLES% and
 * treats & | < > ^ as syntax wherever they stand outside double quotes, so the quoting ordinary
 * programs understand is not enough (the "BatBadBut" class of injections). The rules are those Rust's
 * standard library adopted as its fix: quote every argument holding anything but a few known-safe
 * characters, double an inner quote (so cmd's quote state flips twice and stays inside), double the
 * backslashes before a quote, turn each % into one cmd cannot expand, and refuse what cannot be passed
 * at all: line breaks (cmd ends the command there) and NUL. docs/windows.md explains each rule.
 */

export type BatchLine =
  { readonly ok: true; readonly line: string } | { readonly ok: false; readonly why: string };

/**
 * Switches for cmd.exe: /d skips AutoRun commands from the registry, /e:ON turns on the extensions
 * the % rule relies on, /v:OFF keeps ! literal, /s strips exactly the outer quotes of the line after /c.
 */
export const CMD_SWITCHES: readonly string[] = ["/d", "/e:ON", "/v:OFF", "/s", "/c"];

/** cmd.exe refuses longer command lines. */
const CMD_LINE_LIMIT = 8191;

/**
 * Windows drops trailing dots and spaces from a file name, so "x.cmd." runs as a batch file too.
 * Case does not matter.
 */
export function isBatchFile(file: string): boolean {
  return /\.(?:bat|cmd)[. ]*$/i.test(file);
}

/** The text after `cmd.exe /d /e:ON /v:OFF /s /c `, to be passed verbatim. */
export function batchCommandLine(script: string, args: readonly string[]): BatchLine {
  // A Windows file name cannot hold these; one that does is not a path cmd.exe could be given safely.
  if (/["\0\r\n]/.test(script) || script.endsWith("\\")) {
    return { ok: false, why: "its path cannot be passed to cmd.exe safely" };
  }
  let line = `"${escapePercent(script)}"`;
  for (const [index, arg] of args.entries()) {
    if (/[\0\r\n]/.test(arg)) {
      // The argument itself may be a secret: name its position only.
      return {
        ok: false,
        why: `argument ${index + 1} holds a line break or NUL, which cmd.exe cannot pass to a batch file`,
      };
    }
    line += ` ${quoteBatchArgument(arg)}`;
  }
  if (line.length + 2 > CMD_LINE_LIMIT) {
    return {
      ok: false,
      why: `its command line is longer than cmd.exe accepts (${CMD_LINE_LIMIT} characters)`,
    };
  }
  return { ok: true, line: `"${line}"` };
}

/**
 * Letters, digits and these pass unquoted; so do characters beyond ASCII, except control characters.
 * Everything else (space, " & | < > ^ % ! ( ) , ; = ' ` ~ [ ] { } and the rest) is quoted.
 */
const UNQUOTED = /^[A-Za-z0-9#$*+\-./:?@\\_\u00A0-\uFFFF]+$/;

function quoteBatchArgument(arg: string): string {
  // An empty argument must be "" to exist at all; a trailing backslash must not end up before the
  // closing quote of a script's own "%~1".
  const quote = arg === "" || arg.endsWith("\\") || !UNQUOTED.test(arg);
  let out = quote ? '"' : "";
  let backslashes = 0;
  for (const char of arg) {
    if (char === "\\") {
      backslashes += 1;
    } else {
      // 2n backslashes and a doubled quote: a program the script passes it on to reads n and one ".
      if (char === '"') out += `${"\\".repeat(backslashes)}"`;
      backslashes = 0;
    }
    out += char === "%" ? escapePercent(char) : char;
  }
  return quote ? `${out}${"\\".repeat(backslashes)}"` : out;
}

/**
 * cmd.exe expands %NAME% even inside quotes, and a command line (unlike a batch file) has no escape
 * for %. "%%cd:~,%" reads as a literal % followed by an empty substring of the always-defined %cd%,
 * so no two % of the original can pair up into a variable.
 */
function escapePercent(text: string): string {
  return text.replaceAll("%", "%%cd:~,%");
}
