// The kcc-cache command as a program: the standalone binary's entry (scripts/build-bin.mjs). The Node
// bundle runs runCacheProcess itself, when it is the program or from the bin launcher.
import { runCacheProcess } from "./kcc-cache-process.js";

runCacheProcess();
