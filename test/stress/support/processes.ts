import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/** A process of the sandbox's, as /proc shows it. */
export interface SandboxProcess {
  readonly pid: number;
  readonly role: "kcc-cache" | "plugin";
  /** Files under the sandbox it has open whose names end in `.tmp`: a writer mid-write. */
  readonly writing: boolean;
}

/**
 * The kcc-cache and plugin processes working for this sandbox: found by their command lines, which
 * name the sandbox's plugin scripts (kcc-cache gets the plugin's path as its first argument). Never
 * anything else on the machine: `binDir` is a fresh temporary directory.
 */
export function sandboxProcesses(binDir: string, kccCache: string): SandboxProcess[] {
  const found: SandboxProcess[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(join("/proc", name, "cmdline"), "latin1").split("\0");
    } catch {
      continue; // Gone meanwhile.
    }
    if (!argv.some((arg) => arg.startsWith(`${binDir}/`))) continue;
    const role = argv.some((arg) => arg === kccCache || arg.endsWith("/kcc-cache")) ? "kcc-cache" : "plugin";
    found.push({ pid: Number(name), role, writing: hasTempOpen(Number(name)) });
  }
  return found;
}

function hasTempOpen(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).endsWith(".tmp");
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Whether a process exists (a zombie counts as gone: it holds nothing). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** The PID a lock or temporary file names as its owner (lock content, or the PID in a temp file's name). */
export function ownerOf(directory: string, name: string): number | undefined {
  if (name.endsWith(".tmp")) {
    // `.cache.json.<pid>.<random>.tmp` (atomic writes) or `<lock>.<pid>-<hex>.tmp` (lock publication).
    const match = /\.(\d+)[.-][0-9a-z]+\.tmp$/.exec(name);
    return match === null ? undefined : Number(match[1]);
  }
  try {
    const match = /\d+/.exec(readFileSync(join(directory, name), "utf8"));
    return match === null ? undefined : Number(match[0]);
  } catch {
    return undefined;
  }
}
