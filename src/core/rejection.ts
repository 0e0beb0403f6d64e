/**
 * Recognising a credential the API server rejected (PROTOCOL.md, "How client-go caches, and what a
 * 401 does"): client-go runs the plugin once per process, and runs it again in the same process only
 * after a 401 or once the credential has expired. So the same kubectl process asking again for a key
 * whose credential is still fresh means that credential was rejected; serving it again would lock
 * the user out until it expires.
 *
 * A caller is its PID plus start time (PIDs are reused) plus executable: gcloud's kubectl dispatcher
 * asks once, then execs the real kubectl in the same PID with the same start time, and that second
 * request is not a retry.
 */
export interface CallerIdentity {
  readonly pid: number;
  readonly start: string;
  readonly exe: string;
}

export function isSameCaller(
  previous: CallerIdentity | undefined,
  current: CallerIdentity | undefined,
): boolean {
  if (previous === undefined || current === undefined) return false;
  return previous.pid === current.pid && previous.start === current.start && previous.exe === current.exe;
}

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
