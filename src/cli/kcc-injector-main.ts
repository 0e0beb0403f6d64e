// The kcc-injector command: the one place that reads the real process.
import { homedir } from "node:os";
import { writeStderr, writeStdout } from "../io/stdio.js";
import { runInjector } from "./kcc-injector.js";

void runInjector(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  home: homedir(),
  stdout: writeStdout,
  stderr: writeStderr,
}).then((code) => process.exit(code));
