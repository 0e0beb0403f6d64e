// The standalone binary's one entry (scripts/build-bin.mjs): both commands in one executable, chosen
// by the name it was started under (core/command-choice.ts). The cache path is loaded with it, as a
// hit needs it at once; the injector only when it is the command, so a hit never evaluates it.
import { chooseCommand } from "../core/command-choice.js";
import { runCacheProcess } from "./kcc-cache-process.js";

const choice = chooseCommand(process.argv0, process.argv.slice(2));
if (choice.kind === "usage") {
  process.stderr.write(`kube-credential-cache: ${choice.message}\n`);
  process.exit(2);
} else if (choice.command === "kcc-cache") {
  runCacheProcess(choice.args);
} else {
  void import("./kcc-injector-process.js").then(({ runInjectorProcess }) => {
    runInjectorProcess(choice.args);
  });
}
