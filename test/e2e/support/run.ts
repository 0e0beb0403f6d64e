import { spawn, type ChildProcess } from "node:child_process";

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** stdout exactly as written, for output that is not UTF-8. */
  stdoutBytes: Buffer;
}

export interface RunOptions {
  env: Record<string, string>;
  /** Written to stdin, then closed. Without it stdin is /dev/null, as client-go gives a non-interactive plugin. */
  input?: string;
  cwd?: string;
  /** The child is killed (SIGKILL) past this; a hung test then fails instead of stalling the suite. */
  timeoutMs?: number;
  /** A descriptor to give the child as its stdout or stderr instead of a pipe read here (then ""). */
  stdout?: number;
  stderr?: number;
}

export interface StartedRun {
  readonly child: ChildProcess;
  /** Settles when the process has exited (even if a grandchild still holds its stdout/stderr open). */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** Settles when the process has exited and its output streams have closed. */
  readonly result: Promise<RunResult>;
  /** What the process has written to stderr so far (to wait for a debug line while it runs). */
  stderrSoFar(): string;
  /** What the process has written to stdout so far (to wait for a server's "listening" line). */
  stdoutSoFar(): string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return start(command, args, options).result;
}

/** Starts a process without waiting for it, for tests that act while it runs (kill it, race it). */
export function start(command: string, args: string[], options: RunOptions): StartedRun {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: [
      options.input === undefined ? "ignore" : "pipe",
      options.stdout ?? "pipe",
      options.stderr ?? "pipe",
    ],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  if (options.input !== undefined) child.stdin?.end(options.input);
  const timer = setTimeout(() => {
    child.kill("SIGKILL");
  }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  const result = new Promise<RunResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stdoutBytes: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
  });
  // Callers may only await one of the two; neither must become an unhandled rejection.
  exited.catch(() => undefined);
  result.catch(() => undefined);
  return {
    child,
    exited,
    result,
    stderrSoFar: () => Buffer.concat(stderr).toString("utf8"),
    stdoutSoFar: () => Buffer.concat(stdout).toString("utf8"),
  };
}
