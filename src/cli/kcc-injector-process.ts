// The kcc-injector command bound to the real process: the one place that reads it. A function, not a
// self-running module, for the same reason as kcc-cache-process.ts; kcc-main.ts runs it.
import { homedir } from "node:os";
import { exitStatus, writeStderr, writeStdout } from "../io/stdio.js";
import { runInjector } from "./kcc-injector.js";

/** `args`: the command's arguments (the standalone binary passes them after choosing the command). */
export function runInjectorProcess(args: readonly string[] = process.argv.slice(2)): void {
  void runInjector(args, {
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
    stdout: writeStdout,
    stderr: writeStderr,
  }).then((code) => process.exit(exitStatus(code)));
}
