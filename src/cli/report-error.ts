import { isKccError } from "../core/errors.js";
import { messageLine, unexpectedErrorLine, usageErrorLine, type Program } from "../core/report-line.js";

/**
 * The one place an error becomes text and an exit code. Known errors are one line; anything else
 * gets its name and message (enough to report it; our messages never carry a credential) and, with
 * debug on, the stack.
 */
export function reportError(
  program: Program,
  error: unknown,
  stderr: (text: string) => void,
  debug: boolean,
): number {
  if (isKccError(error)) {
    stderr((error.code === "USAGE" ? usageErrorLine : messageLine)(program, error.message));
    return error.exitCode;
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  stderr(unexpectedErrorLine(program, text));
  if (debug && error instanceof Error && error.stack !== undefined) stderr(`${error.stack}\n`);
  return 1;
}
