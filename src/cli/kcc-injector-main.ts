// The kcc-injector command as a program: the standalone binary's entry (scripts/build-bin.mjs). The Node
// bundle runs runInjectorProcess itself, when it is the program or from the bin launcher.
import { runInjectorProcess } from "./kcc-injector-process.js";

runInjectorProcess();
