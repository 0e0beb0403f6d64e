/**
 * Who ran kcc-cache, as the rejected-credential rule needs it (src/core/serve-decision.ts): a PID plus
 * its start time (PIDs are reused) plus its executable (gcloud's kubectl dispatcher asks once, then
 * execs the real kubectl in the same PID with the same start time, and that second request is not a
 * retry).
 */
export interface CallerIdentity {
  readonly pid: number;
  readonly start: string;
  readonly exe: string;
}

/** The marker kcc-cache wrote after serving someone; anything else reads as "nobody". */
export function parseCallerIdentity(text: string | undefined): CallerIdentity | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Record<keyof CallerIdentity, unknown>>;
    const { pid, start, exe } = value;
    if (typeof pid !== "number" || typeof start !== "string" || typeof exe !== "string") return undefined;
    return { pid, start, exe };
  } catch {
    return undefined;
  }
}
