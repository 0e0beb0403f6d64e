import { readFileSync } from "../fs.js";

/**
 * A process identified by PID plus, on Linux, its start time (/proc/PID/stat field 22), because PIDs
 * are reused: a lock left by a killed process must not look held by an unrelated newer one.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly start: string | undefined;
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, start: processStartTime(process.pid) };
}

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19]; // field 22 overall; fields[0] here is field 3
  } catch {
    return undefined;
  }
}

/** Whether a process with this PID exists (EPERM: it does, as another user's). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Whether the process now under `identity.pid` is the one recorded; "unknown" without /proc. */
export function compareStartTime(identity: ProcessIdentity): "matches" | "differs" | "unknown" {
  if (identity.start === undefined) return "unknown";
  const start = processStartTime(identity.pid);
  if (start === undefined) return "unknown";
  return start === identity.start ? "matches" : "differs";
}
