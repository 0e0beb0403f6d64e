import { isDebug } from "../core/config.js";
import type { InjectorRuntime } from "../flows/edit-kubeconfig.js";
import { parseInjectorArgv } from "./injector-argv.js";
import { reportError } from "./report-error.js";

/** kcc-injector as a function, with no effect at import (src/cli/kcc-injector-process.ts runs it). */
export async function runInjector(argv: readonly string[], runtime: InjectorRuntime): Promise<number> {
  try {
    const command = parseInjectorArgv(argv);
    switch (command.kind) {
      case "help":
        runtime.stdout((await import("./command-text.js")).helpText("kcc-injector"));
        return 0;
      case "version":
        runtime.stdout((await import("./command-text.js")).versionText("kcc-injector"));
        return 0;
      case "completion":
        runtime.stdout((await import("./command-text.js")).completionScript("kcc-injector", command.shell));
        return 0;
      case "edit":
        return (await import("../flows/edit-kubeconfig.js")).editKubeconfig(command, runtime);
    }
  } catch (error) {
    return reportError("kcc-injector", error, runtime.stderr, isDebug(runtime.env));
  }
}
