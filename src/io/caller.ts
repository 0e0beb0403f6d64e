import { readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { parseCallerIdentity, type CallerIdentity } from "../core/rejection.js";
import { processStartTime } from "./process-identity.js";

/**
 * The process that ran kcc-cache (kubectl), where the OS tells cheaply: Linux's /proc. Elsewhere
 * undefined, and rejected-credential detection is off.
 */
export function readCaller(ppid: number): CallerIdentity | undefined {
  const start = processStartTime(ppid);
  if (start === undefined) return undefined;
  try {
    return { pid: ppid, start, exe: readlinkSync(`/proc/${ppid}/exe`) };
  } catch {
    return undefined;
  }
}

/** Who was last given the credential for a key. Holds no secret: PID, start time and a path. */
export function readLastServed(markerPath: string): CallerIdentity | undefined {
  try {
    return parseCallerIdentity(readFileSync(markerPath, "utf8"));
  } catch {
    return undefined;
  }
}

export function writeLastServed(markerPath: string, caller: CallerIdentity): void {
  try {
    writeFileSync(markerPath, JSON.stringify(caller), { mode: 0o600 });
  } catch {
    // Only an aid to recognise a rejected credential; the credential is served regardless.
  }
}
