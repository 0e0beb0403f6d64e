import { isKccError } from "../core/errors.js";

/**
 * The one place an error becomes text and an exit code. Known errors are one line; anything else
 * gets its name and message (enough to report it; our messages never carry a credential) and, with
 * debug on, the stack.
 */
export function reportError(
  program: string,
  error: unknown,
  stderr: (text: string) => void,
  debug: boolean,
): number {
  if (isKccError(error)) {
    stderr(`${program}: ${error.message}\n`);
    return error.exitCode;
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  stderr(
    `${program}: unexpected error: ${text.split("\n")[0] ?? ""} (please report it; KUBE_CREDENTIAL_CACHE_DEBUG=1 shows more)\n`,
  );
  if (debug && error instanceof Error && error.stack !== undefined) stderr(`${error.stack}\n`);
  return 1;
}
