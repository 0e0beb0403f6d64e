import { BACKGROUND_CHILD_ENV } from "../core/cache/background-marker.js";
import { isDebug } from "../core/config.js";
import { serveCredential } from "../flows/serve-credential.js";
import type { Runtime } from "../flows/runtime.js";
import { parseCacheArgv } from "./cache-argv.js";
import { reportError } from "./report-error.js";

declare const KCC_VERSION: string;

/**
 * kcc-cache as a function of its arguments and the outside world, with no effect at import:
 * src/cli/kcc-cache-process.ts runs it as the command, tests call it in-process with a Runtime of their own.
 */
export async function runCache(argv: readonly string[], runtime: Runtime): Promise<number> {
  try {
    let command = parseCacheArgv(argv);
    // Lazy: only a management option loads their parser.
    if (command.kind === "manage") command = (await import("./manage-argv.js")).parseManageArgv(argv);
    switch (command.kind) {
      case "help":
        runtime.stdout((await import("./command-text.js")).helpText("kcc-cache"));
        return 0;
      case "version":
        runtime.stdout((await import("./command-text.js")).versionText("kcc-cache"));
        return 0;
      case "completion":
        runtime.stdout((await import("./command-text.js")).completionScript("kcc-cache", command.shell));
        return 0;
      case "run":
        // The detached refresher a hit starts (docs/background-refresh.md): kcc-cache's own, never a user's mode.
        if (runtime.env[BACKGROUND_CHILD_ENV] !== undefined)
          return await (
            await import("../flows/run-background-refresh.js")
          ).runBackgroundRefresh(command, runtime);
        return await serveCredential(command, runtime);
      case "list":
      case "status":
      case "clear":
        // Lazy: management code never loads on the credential path.
        return await (
          await import("../flows/manage/manage-cache.js")
        ).manageCache(command, runtime, KCC_VERSION);
    }
  } catch (error) {
    return reportError("kcc-cache", error, runtime.stderr, isDebug(runtime.env));
  }
}
