import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { PluginError } from "../core/errors.js";
import type { Env } from "../core/config.js";

export interface PluginRun {
  readonly exitCode: number;
  readonly stdout: string;
}

/**
 * Runs the wrapped plugin as client-go would (PROTOCOL.md): no shell, the environment unchanged,
 * stdin and stderr inherited so prompts and messages reach the user, stdout captured.
 * A plugin killed by a signal yields 128 + the signal number, as a shell reports it. `onSpawn` sees
 * the process as soon as it exists (to pass signals on to it).
 */
export function runPlugin(
  command: string,
  args: readonly string[],
  env: Env,
  onSpawn?: (child: ChildProcess) => void,
): Promise<PluginRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["inherit", "pipe", "inherit"], env: { ...env } });
    onSpawn?.(child);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(startFailure(command, error));
    });
    child.on("close", (code, signal) => {
      const exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
      resolve({ exitCode, stdout: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

function startFailure(command: string, error: NodeJS.ErrnoException): PluginError {
  const where = /[\\/]/.test(command) ? "" : " on PATH";
  switch (error.code) {
    case "ENOENT":
      return new PluginError(
        "PLUGIN_NOT_FOUND",
        `credential plugin ${JSON.stringify(command)} was not found${where}: install it, or fix the command in your kubeconfig`,
        127,
        { cause: error },
      );
    case "EACCES":
      return new PluginError(
        "PLUGIN_NOT_EXECUTABLE",
        `credential plugin ${JSON.stringify(command)} is not executable`,
        126,
        {
          cause: error,
        },
      );
    default:
      return new PluginError(
        "PLUGIN_FAILED",
        `credential plugin ${JSON.stringify(command)} could not be started: ${error.message}`,
        126,
        {
          cause: error,
        },
      );
  }
}
