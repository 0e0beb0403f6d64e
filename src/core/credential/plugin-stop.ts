import { formatDuration } from "../duration.js";

/**
 * When kcc-cache stops a plugin before it ends by itself, and how (docs/plugin-limits.md). Pure: the
 * plugin process, its signals and the clock belong to src/io/processes/plugin.ts, which follows these values.
 */

/**
 * The most a plugin may print on stdout. A credential is a few KB (a token, a client certificate and
 * key; a 10 MB token still passes); a plugin printing without end would otherwise grow kcc-cache's
 * memory until it aborts. Well above anything real, so that no working plugin ever meets it.
 */
export const MAX_PLUGIN_STDOUT_BYTES = 64 * 1024 * 1024;

/**
 * Between SIGTERM and SIGKILL: time to exit cleanly (remove its temporary files, release its own
 * locks), short because a refresh lock is held meanwhile and a waiting kubectl call may be behind it.
 */
export const STOP_GRACE_MS = 3_000;

/** Why kcc-cache stopped a plugin. */
export type StopCause =
  | { readonly kind: "time"; readonly limitMs: number }
  | { readonly kind: "output"; readonly limitBytes: number };

export type StopSignal = "SIGTERM" | "SIGKILL";

/**
 * Who receives the signals: the plugin's own process group (a plugin started as a group leader,
 * which the background refresh does on POSIX), so that a wrapper's children go too; or the plugin
 * alone (in the foreground it shares kubectl's process group and terminal, which a prompt needs).
 */
type StopTarget = "group" | "process";

export interface StopPlan {
  readonly target: StopTarget;
  readonly first: StopSignal;
  /** SIGKILL if the plugin has not ended this long after `first`; undefined when `first` is final. */
  readonly killAfterMs: number | undefined;
}

/**
 * SIGTERM, then SIGKILL after STOP_GRACE_MS. Windows has neither signals nor process groups here:
 * Node's kill() is TerminateProcess whatever the signal, so it is final at once, and reaches the
 * plugin alone (docs/windows.md).
 */
export function planPluginStop(platform: NodeJS.Platform, ownGroup: boolean): StopPlan {
  if (platform === "win32") return { target: "process", first: "SIGKILL", killAfterMs: undefined };
  return { target: ownGroup ? "group" : "process", first: "SIGTERM", killAfterMs: STOP_GRACE_MS };
}

/** What a stop came to: the last signal it took, and the grace SIGTERM had before a SIGKILL. */
export interface PluginStop {
  readonly cause: StopCause;
  readonly target: StopTarget;
  readonly signal: StopSignal;
  readonly graceMs: number | undefined;
}

/**
 * The stop in words, after a subject ("the plugin …", "credential plugin "aws" …"): why, then what
 * was done, saying it was killed only when it was.
 */
export function describePluginStop(stop: PluginStop): string {
  const why =
    stop.cause.kind === "time"
      ? `ran longer than ${formatDuration(stop.cause.limitMs)}`
      : `printed more than ${formatBytes(stop.cause.limitBytes)} on stdout, more than any credential`;
  const who = stop.target === "group" ? "its process group" : "it";
  if (stop.signal === "SIGTERM") return `${why}; ${who} was terminated (SIGTERM)`;
  if (stop.graceMs === undefined) return `${why}; ${who} was killed`;
  return `${why}; ${who} did not end within ${formatDuration(stop.graceMs)} of SIGTERM and was killed (SIGKILL)`;
}

/** Whole MiB or KiB when exact, else bytes. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
