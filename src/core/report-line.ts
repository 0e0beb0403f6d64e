/**
 * The shape of every line kcc-cache and kcc-injector write to stderr for the user: errors, warnings
 * and KUBE_CREDENTIAL_CACHE_DEBUG output. One place, so that a reader (or a script that filters
 * kubectl's stderr) meets one format. Callers pass kcc-cache's own words only: a key, a path, a
 * reason, never a credential and never a plugin's output.
 */
export type Program = "kcc-cache" | "kcc-injector";

/** A failure or a fact the user must act on: `kcc-cache: <message>`. */
export function messageLine(program: Program, message: string): string {
  return `${program}: ${message}\n`;
}

/**
 * A command line the command cannot take: what is wrong, then where the right one is told, in the
 * same words for both commands: `kcc-cache: unknown option "--bogus" (see kcc-cache --help)`.
 */
export function usageErrorLine(program: Program, message: string): string {
  return messageLine(program, `${message} (see ${program} --help)`);
}

/** Something went wrong but the command still did its job (the credential is served). */
export function warningLine(program: Program, message: string): string {
  return `${program}: warning: ${message}\n`;
}

/** One decision, with the time since the command started. */
export function debugLine(program: Program, elapsedMs: number, message: string): string {
  return `${program}: debug: +${elapsedMs.toFixed(1)}ms ${message}\n`;
}

/** An error we did not expect: its name and first line, and how to see more. */
export function unexpectedErrorLine(program: Program, text: string): string {
  return messageLine(
    program,
    `unexpected error: ${text.split("\n")[0] ?? ""} (please report it; KUBE_CREDENTIAL_CACHE_DEBUG=1 shows more)`,
  );
}
