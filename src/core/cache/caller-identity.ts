/**
 * Who ran kcc-cache, as the rejected-credential rule needs it (src/core/cache/serve-decision.ts): a PID plus
 * its start time (PIDs are reused) plus its executable (gcloud's kubectl dispatcher asks once, then
 * execs the real kubectl in the same PID with the same start time, and that second request is not a
 * retry).
 */
export interface CallerIdentity {
  readonly pid: number;
  readonly start: string;
  readonly exe: string;
}

/**
 * One line of a key's served log: this caller was given the entry stored at `storedAtMs`. A log of
 * lines, appended to by every hit, and not one "last served" record: with parallel kubectls, the
 * one whose credential was rejected is rarely the last one served. Holds no secret.
 */
export function servedLine(caller: CallerIdentity, storedAtMs: number): string {
  return `${JSON.stringify({ pid: caller.pid, start: caller.start, exe: caller.exe, storedAtMs })}\n`;
}

/**
 * A served log read from the middle on keeps only its whole lines: from the newline that ends the cut
 * one, so that a caller's line matches only where it begins a line (src/io/processes/served-log.ts).
 */
export function wholeLines(text: string, fromStart: boolean): string {
  if (fromStart) return text;
  const cut = text.indexOf("\n");
  return cut === -1 ? "" : text.slice(cut);
}
