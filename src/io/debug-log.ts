import { writeStderr } from "./stdio.js";

export type DebugLog = (message: string) => void;

/**
 * KUBE_CREDENTIAL_CACHE_DEBUG output: one stderr line per decision with the time since start.
 * Callers pass keys, store names and expiry times only: never a credential.
 */
export function createDebugLog(enabled: boolean, startMs: number, now: () => number): DebugLog {
  if (!enabled) return () => undefined;
  return (message) => {
    writeStderr(`kcc-cache: debug: +${(now() - startMs).toFixed(1)}ms ${message}\n`);
  };
}
