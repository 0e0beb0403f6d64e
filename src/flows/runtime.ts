import type { CallerIdentity } from "../core/cache/caller-identity.js";
import type { Env } from "../core/config.js";
import { messageLine, warningLine } from "../core/report-line.js";

/**
 * Everything a flow may know of the outside world, handed in by the entry point (tests pass their
 * own): the flows never read `process` or the clock themselves.
 */
export interface Runtime {
  readonly env: Env;
  readonly now: () => number;
  readonly platform: { readonly os: NodeJS.Platform; readonly homedir: string };
  /** The process that ran kcc-cache: kubectl, when it runs a credential plugin. */
  readonly parentPid: number;
  /** The user kcc-cache runs as (undefined where the OS has no uids): whose files it may trust. */
  readonly uid: number | undefined;
  /** The process table: who runs under a PID now (undefined where the OS does not tell cheaply). */
  readonly identifyProcess: (pid: number) => CallerIdentity | undefined;
  /**
   * Starts this same kcc-cache again with `args`, detached from this process and its terminal, and
   * returns its PID (undefined if it could not start): how a hit hands off a background refresh.
   */
  readonly startDetachedCopy: (args: readonly string[], env: Env) => Promise<number | undefined>;
  /** Takes bytes too: a plugin's output is passed on byte for byte. */
  readonly stdout: (text: string | Uint8Array) => void;
  readonly stderr: (text: string) => void;
}

/** One warning line (core/report-line.ts has the format): the command still does its job. */
export function warn(runtime: Runtime, message: string): void {
  runtime.stderr(warningLine("kcc-cache", message));
}

/** One line the user must act on, when the command goes on or fails without throwing. */
export function tell(runtime: Runtime, message: string): void {
  runtime.stderr(messageLine("kcc-cache", message));
}
