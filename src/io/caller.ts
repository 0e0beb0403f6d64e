import { closeSync, openSync, readFileSync, readlinkSync, writeSync } from "node:fs";
import { parseCallerIdentity, type CallerIdentity } from "../core/caller-identity.js";
import { processStartTime } from "./process-identity.js";
import { NO_FOLLOW_READ, NO_FOLLOW_WRITE } from "./private-path.js";

/**
 * Who runs under a PID, where the OS tells cheaply: Linux's /proc. Elsewhere undefined, and
 * rejected-credential detection is off. The real Runtime's process table.
 */
export function identifyProcess(pid: number): CallerIdentity | undefined {
  const start = processStartTime(pid);
  if (start === undefined) return undefined;
  try {
    return { pid, start, exe: readlinkSync(`/proc/${pid}/exe`) };
  } catch {
    return undefined;
  }
}

/** Who was last given the credential for a key. Holds no secret: PID, start time and a path. */
export function readLastServed(markerPath: string): CallerIdentity | undefined {
  let fd: number | undefined;
  try {
    // A link or a FIFO in the marker's place is never followed or waited on.
    fd = openSync(markerPath, NO_FOLLOW_READ);
    return parseCallerIdentity(readFileSync(fd, "utf8"));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Written on every hit, so not atomically (an fsync would cost the hit milliseconds): a torn marker
 * only reads as "nobody", which is what a missing one says. Never through a link: a planted one
 * would make the user overwrite a file of their own.
 */
export function writeLastServed(markerPath: string, caller: CallerIdentity): void {
  let fd: number | undefined;
  try {
    fd = openSync(markerPath, NO_FOLLOW_WRITE, 0o600);
    writeSync(fd, JSON.stringify(caller));
  } catch {
    // Only an aid to recognise a rejected credential; the credential is served regardless.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
