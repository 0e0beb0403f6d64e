import type { ChildProcess } from "node:child_process";
import { constants } from "node:os";

/** What a terminal, a service manager or a closed session sends to stop kcc-cache. */
const TRAPPED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface SignalTrap {
  /** Until it has exited, signals are passed on to the plugin, and exiting waits for it. */
  forwardTo(child: ChildProcess): void;
  /** Back to Node's default handling (dying of the signal). */
  dispose(): void;
}

/**
 * During a refresh, a stop signal must not leave the plugin running nor our lock held: pass it on
 * to the plugin (which stays in our process group, so an interactive one keeps the terminal), wait
 * for the plugin to exit, run `cleanup` (release our locks) and exit as a shell reports a death by
 * signal, 128 + its number. Outside a plugin run there is nothing to wait for: clean up and exit.
 */
export function trapSignals(cleanup: () => void): SignalTrap {
  let plugin: ChildProcess | undefined;
  let exitCode: number | undefined;
  const finish = (): never => {
    cleanup();
    return process.exit(exitCode ?? 1);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    exitCode ??= 128 + constants.signals[signal];
    const running = plugin !== undefined && plugin.exitCode === null && plugin.signalCode === null;
    // kill() is false when there is no process to tell (it never started): then nothing to wait for.
    if (running && plugin?.kill(signal) === true) return; // Its "exit" event finishes.
    finish();
  };
  for (const signal of TRAPPED) process.on(signal, onSignal);
  return {
    forwardTo(child) {
      plugin = child;
      // "exit", not "close": a grandchild holding the plugin's stdout must not keep us alive.
      child.once("exit", () => {
        plugin = undefined;
        if (exitCode !== undefined) finish();
      });
    },
    dispose() {
      for (const signal of TRAPPED) process.off(signal, onSignal);
    },
  };
}
