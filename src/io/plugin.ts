import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, lstatSync, openSync, readSync, statSync } from "node:fs";
import { constants } from "node:os";
import { delimiter, join } from "node:path";
import { PluginError, errorSummary } from "../core/errors.js";
import type { Env } from "../core/config.js";
import type { WindowsFiles } from "../core/windows/command-lookup.js";
import { planWindowsSpawn } from "../core/windows/spawn-plan.js";

export interface PluginRun {
  readonly exitCode: number;
  /** Bytes, not text: output that is not UTF-8 is passed on unchanged. */
  readonly stdout: Buffer;
}

/**
 * Runs the wrapped plugin as client-go would (docs/protocol.md): no shell, the environment unchanged,
 * stdin and stderr inherited so prompts and messages reach the user, stdout captured.
 * A plugin killed by a signal yields 128 + the signal number, as a shell reports it. `onSpawn` sees
 * the process as soon as it exists (to pass signals on to it). On Windows the file to run is found
 * as Go finds it, and a batch file runs through cmd.exe with escaped arguments (docs/windows.md).
 */
export function runPlugin(
  command: string,
  args: readonly string[],
  env: Env,
  onSpawn?: (child: ChildProcess) => void,
  platform: NodeJS.Platform = process.platform,
): Promise<PluginRun> {
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
    const child = spawn(target.file, target.args, {
      stdio: ["inherit", "pipe", "inherit"],
      env: { ...env },
      ...(target.verbatim ? { windowsVerbatimArguments: true } : {}),
    });
    onSpawn?.(child);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(startFailure(command, error, env));
    });
    child.on("close", (code, signal) => {
      const exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
      resolve({ exitCode, stdout: Buffer.concat(chunks) });
    });
  });
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
        `credential plugin ${JSON.stringify(command)} could not be started: ${errorSummary(error)}`,
        {
          cause: error,
        },
      );
  }
}
