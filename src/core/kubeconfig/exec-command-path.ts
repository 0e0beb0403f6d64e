import { posix, win32 } from "node:path";
import { isWindowsAbsolute } from "../windows/command-lookup.js";

/**
 * The command kubectl runs for an `exec.command` of a kubeconfig in `baseDirectory`, as client-go
 * resolves it (docs/protocol.md, kubeconfig): a command holding the OS's path separator that is not
 * absolute is joined to the kubeconfig's directory; a bare name (found on PATH) stays as written. On
 * Windows the separator is `\` alone and Go's rules apply: `.\bin\token.cmd` and `\tools\t.exe` are
 * resolved, `./bin/token.cmd` is not (it stays relative to the current directory).
 *
 * Which OS's rules: the one whose paths `baseDirectory` is written in. It is absolute, so it says:
 * `/…` on Linux and macOS, `C:\…` or `\\server\share\…` on Windows.
 */
export function resolveExecCommand(command: string, baseDirectory: string): string {
  if (isWindowsAbsolute(baseDirectory)) {
    return command.includes("\\") && !isWindowsAbsolute(command)
      ? win32.join(baseDirectory, command)
      : command;
  }
  return command.includes("/") && !posix.isAbsolute(command) ? posix.join(baseDirectory, command) : command;
}
