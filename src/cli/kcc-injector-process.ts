// The kcc-injector command bound to the real process: the one place that reads it. A function, not a
// self-running module, for the same reason as kcc-cache-process.ts; kcc-injector-main.ts runs it.
import { homedir } from "node:os";
import { writeStderr, writeStdout } from "../io/stdio.js";
import { runInjector } from "./kcc-injector.js";

export function runInjectorProcess(): void {
  void runInjector(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
    stdout: writeStdout,
    stderr: writeStderr,
  }).then((code) => process.exit(code));
}
