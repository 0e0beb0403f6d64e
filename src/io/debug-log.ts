import { debugLine } from "../core/report-line.js";

export type DebugLog = (message: string) => void;

/**
 * KUBE_CREDENTIAL_CACHE_DEBUG output: one stderr line per decision with the time since start.
 * Callers pass keys, store names and expiry times only: never a credential. The clock and stderr are
 * the Runtime's, so an in-process caller sees the lines.
 */
export function createDebugLog(
  enabled: boolean,
  startMs: number,
  now: () => number,
  write: (text: string) => void,
): DebugLog {
  if (!enabled) return () => undefined;
  return (message) => {
    write(debugLine("kcc-cache", now() - startMs, message));
  };
}
