// The kcc-cache command: the one place that reads the real process, clock and process table.
import { homedir } from "node:os";
import { identifyProcess } from "../io/caller.js";
import { writeStderr, writeStdout } from "../io/stdio.js";
import { runCache } from "./kcc-cache.js";

void runCache(process.argv.slice(2), {
  env: process.env,
  now: Date.now,
  platform: { os: process.platform, homedir: homedir() },
  parentPid: process.ppid,
  uid: process.getuid?.(),
  identifyProcess,
  // Lazily: spawning code has no place on a plain hit.
  startDetachedCopy: async (args, env) =>
    (await import("../io/self-process.js")).startDetachedCopy(args, env),
  stdout: writeStdout,
  stderr: writeStderr,
}).then((code) => process.exit(code));
