// Loaded only for --help, --version and --completion: none of it is on a credential call's path.
import { renderCompletion, SHELLS } from "../core/command-doc/completion.js";
import type { CommandDoc } from "../core/command-doc/command-doc.js";
import { renderHelp } from "../core/command-doc/help-text.js";
import { versionLine } from "../core/version-line.js";
import type { Program } from "../core/report-line.js";
import { CACHE_DOC } from "./cache-help.js";
import { INJECTOR_DOC } from "./injector-help.js";
import { UsageError } from "../core/errors.js";

declare const KCC_VERSION: string;
declare const KCC_COMMIT: string;

function docOf(program: Program): CommandDoc {
  return program === "kcc-cache" ? CACHE_DOC : INJECTOR_DOC;
}

export function helpText(program: Program): string {
  return renderHelp(docOf(program));
}

/** The script for `--completion <shell>`; the shell is checked here, as typed. */
export function completionScript(program: Program, shell: string): string {
  const known = SHELLS.find((name) => name === shell);
  if (known === undefined)
    throw new UsageError(`--completion takes one of ${SHELLS.join(", ")} (got ${JSON.stringify(shell)})`);
  return renderCompletion(docOf(program), known);
}

export function versionText(program: Program): string {
  return versionLine(program, KCC_VERSION, KCC_COMMIT, {
    bun: process.versions["bun"],
    node: process.version,
    os: process.platform,
    arch: process.arch,
  });
}
