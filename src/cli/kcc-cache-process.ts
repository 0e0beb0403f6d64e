// The kcc-cache command bound to the real process: the one place that reads the real process, clock and
// process table. A function, not a self-running module, so that the Node bundle holding it can also be
// loaded as a library by the other bundles (scripts/build.mts); the standalone binary's kcc-main.ts runs it.
import { homeDirectory } from "../io/home-directory.js";
import { identifyProcess } from "../io/processes/served-log.js";
import { exitStatus, writeStderr, writeStdout } from "../io/stdio.js";
import { runCache } from "./kcc-cache.js";

/** `args`: the command's arguments (the standalone binary passes them after choosing the command). */
export function runCacheProcess(args: readonly string[] = process.argv.slice(2)): void {
  void runCache(args, {
    env: process.env,
    now: Date.now,
    platform: { os: process.platform, homedir: homeDirectory(process.env, process.platform) },
    parentPid: process.ppid,
    uid: process.getuid?.(),
    identifyProcess,
    // Lazily: spawning code has no place on a plain hit.
    startDetachedCopy: async (args, env) =>
      (await import("../io/processes/self-process.js")).startDetachedCopy(args, env),
    stdout: writeStdout,
    stderr: writeStderr,
  }).then((code) => process.exit(exitStatus(code)));
}
