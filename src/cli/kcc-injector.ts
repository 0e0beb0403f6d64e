import { isDebug } from "../core/config.js";
import type { InjectorRuntime } from "../flows/edit-kubeconfig.js";
import { parseInjectorArgv } from "./injector-argv.js";
import { reportError } from "./report-error.js";

declare const KCC_VERSION: string;

/** kcc-injector as a function, with no effect at import (src/cli/kcc-injector-process.ts runs it). */
export async function runInjector(argv: readonly string[], runtime: InjectorRuntime): Promise<number> {
  try {
    const command = parseInjectorArgv(argv);
    switch (command.kind) {
      case "help":
        runtime.stdout((await import("./injector-help.js")).INJECTOR_HELP);
        return 0;
      case "version":
        runtime.stdout(`kcc-injector ${KCC_VERSION}\n`);
        return 0;
      case "edit":
        return (await import("../flows/edit-kubeconfig.js")).editKubeconfig(command, runtime);
    }
  } catch (error) {
    return reportError("kcc-injector", error, runtime.stderr, isDebug(runtime.env));
  }
}
