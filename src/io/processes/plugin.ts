import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, lstatSync, openSync, readSync, statSync } from "../fs.js";
import { constants } from "node:os";
import { delimiter, join } from "node:path";
import { PluginError, errorSummary } from "../../core/errors.js";
import { errnoOf } from "../../core/system-error.js";
import type { Env } from "../../core/config.js";
import type { WindowsFiles } from "../../core/windows/command-lookup.js";
import { planWindowsSpawn } from "../../core/windows/spawn-plan.js";
import {
  MAX_PLUGIN_STDOUT_BYTES,
  planPluginStop,
  type PluginStop,
  type StopCause,
  type StopPlan,
  type StopSignal,
} from "../../core/credential/plugin-stop.js";

export interface PluginRun {
  readonly exitCode: number;
  /** Bytes, not text: output that is not UTF-8 is passed on unchanged. Empty when stopped. */
  readonly stdout: Buffer;
  /** Set when kcc-cache stopped the plugin (past a limit): its output is then not to be used. */
  readonly stopped?: PluginStop;
}

export interface PluginRunOptions {
  /** Sees the process as soon as it exists (to pass signals on to it). */
  readonly onSpawn?: (child: ChildProcess) => void;
  readonly platform?: NodeJS.Platform;
  /**
   * Start the plugin as the leader of a process group (and session) of its own, so that a stop
   * reaches whatever it started. Background only: a foreground plugin stays in kubectl's group, which
   * owns the terminal a prompt reads from, and gets Ctrl-C from it.
   */
  readonly ownGroup?: boolean;
  /** Stop the plugin once it has run this long (it is always stopped past MAX_PLUGIN_STDOUT_BYTES). */
  readonly timeLimitMs?: number;
}

/**
 * Runs the wrapped plugin as client-go would (docs/protocol.md): no shell, the environment unchanged,
 * stdin and stderr inherited so prompts and messages reach the user, stdout captured.
 * A plugin killed by a signal yields 128 + the signal number, as a shell reports it. On Windows the
 * file to run is found as Go finds it, and a batch file runs through cmd.exe with escaped arguments
 * (docs/windows.md).
 *
 * Past a limit (its time, its output) the plugin is stopped as planPluginStop says: SIGTERM, then
 * SIGKILL after a grace, and the run resolves only once it has ended (docs/plugin-limits.md). A
 * stopped group's remainder gets SIGKILL too: a member that ignored SIGTERM without holding stdout.
 */
export function runPlugin(
  command: string,
  args: readonly string[],
  env: Env,
  options: PluginRunOptions = {},
): Promise<PluginRun> {
  const platform = options.platform ?? process.platform;
  const ownGroup = options.ownGroup === true && platform !== "win32";
  return new Promise((resolve, reject) => {
    let target: { file: string; args: readonly string[]; verbatim: boolean };
    if (platform === "win32") {
      const plan = planWindowsSpawn(command, args, env, WINDOWS_FILES);
      if (plan.kind !== "spawn") {
        reject(windowsRefusal(command, plan));
        return;
      }
      target = plan;
    } else {
      target = { file: command, args, verbatim: false };
    }
    let child: ChildProcess & { readonly stdout: NonNullable<ChildProcess["stdout"]> };
    try {
      child = spawn(target.file, target.args, {
        stdio: ["inherit", "pipe", "inherit"],
        env: { ...env },
        ...(ownGroup ? { detached: true } : {}),
        ...(target.verbatim ? { windowsVerbatimArguments: true } : {}),
      });
    } catch (error) {
      // spawn reports only some failures as an 'error' event (ENOENT, EACCES, EAGAIN…) and throws the
      // others (EUNKNOWN from Windows, E2BIG, an argument it refuses): the same one line for both.
      reject(startFailure(command, error as NodeJS.ErrnoException, env));
      return;
    }
    options.onSpawn?.(child);
    const stopper = pluginStopper(child, planPluginStop(platform, ownGroup));
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      if (stopper.stopping()) return;
      size += chunk.length;
      if (size > MAX_PLUGIN_STDOUT_BYTES)
        stopper.stop({ kind: "output", limitBytes: MAX_PLUGIN_STDOUT_BYTES });
      else chunks.push(chunk);
    });
    const { timeLimitMs } = options;
    const timer =
      timeLimitMs === undefined
        ? undefined
        : setTimeout(() => {
            stopper.stop({ kind: "time", limitMs: timeLimitMs });
          }, timeLimitMs);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      stopper.dispose();
      reject(startFailure(command, error, env));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stopped = stopper.ended();
      const exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
      resolve(
        stopped === undefined
          ? { exitCode, stdout: Buffer.concat(chunks) }
          : { exitCode, stdout: Buffer.alloc(0), stopped },
      );
    });
  });
}

interface Stopper {
  stop(cause: StopCause): void;
  stopping(): boolean;
  /** The plugin has ended: the stop it took, if any (its group's remainder is killed now). */
  ended(): PluginStop | undefined;
  dispose(): void;
}

/** Carries out a StopPlan on a running plugin; its "close" (exited, stdout closed) ends the stop. */
function pluginStopper(child: ChildProcess, plan: StopPlan): Stopper {
  let stop: { cause: StopCause; signal: StopSignal } | undefined;
  let grace: NodeJS.Timeout | undefined;
  const deliver = (signal: StopSignal): void => {
    if (plan.target === "group" && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // ESRCH: nobody is left in the group.
      }
    } else if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }
  };
  const send = (signal: StopSignal): void => {
    if (stop !== undefined) stop.signal = signal;
    deliver(signal);
    // After SIGKILL nothing in reach can write any more: a process that left the group (a daemon in
    // a session of its own) must not hold the run open by holding stdout.
    if (signal === "SIGKILL") child.stdout?.destroy();
  };
  return {
    stop(cause) {
      if (stop !== undefined) return;
      stop = { cause, signal: plan.first };
      send(plan.first);
      // Output past the limit is not read any further. After the signal: a plugin that ends on it
      // then dies quietly instead of reporting a broken pipe on its stderr, which the user sees.
      if (cause.kind === "output") child.stdout?.destroy();
      if (plan.killAfterMs !== undefined) {
        grace = setTimeout(() => {
          send("SIGKILL");
        }, plan.killAfterMs);
      }
    },
    stopping: () => stop !== undefined,
    ended() {
      clearTimeout(grace);
      if (stop === undefined) return undefined;
      // The plugin ended on SIGTERM; a member of its group that ignored it without holding stdout
      // would still be there. What it took to stop the plugin itself stays the outcome.
      if (stop.signal === "SIGTERM" && plan.target === "group") deliver("SIGKILL");
      return {
        cause: stop.cause,
        target: plan.target,
        signal: stop.signal,
        graceMs: stop.signal === "SIGKILL" ? plan.killAfterMs : undefined,
      };
    },
    dispose() {
      clearTimeout(grace);
    },
  };
}

const WINDOWS_FILES: WindowsFiles = {
  isFile: (path) => {
    try {
      return !statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  sameFile: (a, b) => {
    try {
      // File ids are 64-bit: as numbers, two could compare equal.
      const [x, y] = [lstatSync(a, { bigint: true }), lstatSync(b, { bigint: true })];
      return x.dev === y.dev && x.ino === y.ino;
    } catch {
      return false;
    }
  },
};

function windowsRefusal(
  command: string,
  plan: Exclude<ReturnType<typeof planWindowsSpawn>, { kind: "spawn" }>,
): PluginError {
  switch (plan.kind) {
    case "not-found":
      return notFound(command);
    case "current-directory":
      return new PluginError(
        "PLUGIN_NOT_FOUND",
        `credential plugin ${JSON.stringify(command)} resolves to ${plan.file} through the current directory, which kubectl refuses to run too: give its full path in your kubeconfig`,
      );
    case "refused":
      return new PluginError(
        "PLUGIN_FAILED",
        `credential plugin ${JSON.stringify(command)} was not run: ${plan.why}`,
      );
  }
}

function notFound(command: string, cause?: unknown): PluginError {
  const where = /[\\/]/.test(command) ? "" : " on PATH";
  return new PluginError(
    "PLUGIN_NOT_FOUND",
    `credential plugin ${JSON.stringify(command)} was not found${where}: install it, or fix the command in your kubeconfig`,
    cause === undefined ? undefined : { cause },
  );
}

function missingInterpreter(command: string, file: string, cause: unknown): PluginError {
  const interpreter = interpreterOf(file);
  const what =
    interpreter === undefined
      ? "the program that loads it (its interpreter or dynamic loader) was not found"
      : `its interpreter ${interpreter} was not found: fix the #! line of ${file}`;
  return new PluginError(
    "PLUGIN_NOT_FOUND",
    `cannot run credential plugin ${JSON.stringify(command)}: ${what}`,
    {
      cause,
    },
  );
}

/** The file spawn ran: the command itself when it names a path, else the first match on PATH. */
function findFile(command: string, env: Env): string | undefined {
  const candidates = command.includes("/")
    ? [command]
    : (env["PATH"] ?? "").split(delimiter).map((dir) => join(dir === "" ? "." : dir, command));
  return candidates.find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** The interpreter a "#!" line names (its first word), read from the file's first bytes. */
function interpreterOf(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(256);
    const length = readSync(fd, head, 0, head.length, 0);
    const match = /^#!\s*(\S+)/.exec(head.subarray(0, length).toString("utf8").split("\n")[0] ?? "");
    return match?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function startFailure(command: string, error: NodeJS.ErrnoException, env: Env): PluginError {
  switch (error.code) {
    case "ENOENT": {
      // The OS says ENOENT too when the file exists but its #! interpreter does not.
      const file = findFile(command, env);
      return file === undefined ? notFound(command, error) : missingInterpreter(command, file, error);
    }
    case "EACCES":
      return new PluginError(
        "PLUGIN_NOT_EXECUTABLE",
        `credential plugin ${JSON.stringify(command)} is not executable`,
        {
          cause: error,
        },
      );
    default:
      return new PluginError(
        "PLUGIN_FAILED",
        `credential plugin ${JSON.stringify(command)} could not be started: ${startFailureWords(error)}`,
        {
          cause: error,
        },
      );
  }
}

/**
 * What went wrong, from the error's code alone: an errno in words (`errorSummary`), else the code
 * (ERR_INVALID_ARG_VALUE…). Never the message, which can quote an argument, and so a secret.
 */
function startFailureWords(error: NodeJS.ErrnoException): string {
  if (errnoOf(error) !== undefined) return errorSummary(error);
  return typeof error.code === "string" ? error.code : "unknown error";
}
