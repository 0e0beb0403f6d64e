import { readFileSync } from "node:fs";

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

export function isAlive(identity: ProcessIdentity): boolean {
  try {
    process.kill(identity.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    // EPERM: it exists but belongs to someone else.
  }
  if (identity.start === undefined) return true;
  const start = processStartTime(identity.pid);
  return start === undefined || start === identity.start;
}
