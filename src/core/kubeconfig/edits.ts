import { KubeconfigError } from "../errors.js";
import type { EditOptions, EditResult, UserAction } from "./edit-types.js";
import { parseKubeconfig } from "./document.js";
import { type ExecEntry, commandOf, envIndex, goesThroughCache, listOf } from "./exec.js";
import { injectUser } from "./inject-user.js";
import { ORIGINAL_ENV } from "./restore-state.js";
import { restoreParsed, selectedUsers } from "./restore-parsed.js";
import { type Splice, applySplices, lineEnding } from "./text.js";
import { checkedSpan, verifyInjection } from "./verify-injection.js";

/**
 * Points every selected exec user at the injection command (README, "kcc-injector"): the original
 * command goes first in args, provideClusterInfo becomes true, KUBE_CREDENTIAL_CACHE_USER and the
 * restore state (restore-state.ts) are appended to env. Nothing else changes a byte.
 * The file is parsed once and every user's splices are applied in one pass. Before returning, the
 * result is checked (verify-injection.ts): it must parse, say what was meant, and restore to `source`
 * exactly; if not, nothing is edited and the error says so.
 */
export function injectKubeconfig(source: string, options: EditOptions): EditResult {
  return withFinalNewline(source, (text) => {
    const parsed = parseKubeconfig(text, options.label, options.onParse);
    const users: { name: string; action: UserAction }[] = [];
    const injected = new Set<string>();
    const splices: Splice[] = [];
    for (const user of selectedUsers(parsed.execUsers, options)) {
      if (isInjected(user.entry, options.injectionCommand)) {
        users.push({ name: user.name, action: "already-injected" });
        continue;
      }
      splices.push(...injectUser(text, user, options));
      users.push({ name: user.name, action: "injected" });
      injected.add(user.name);
    }
    const result = injected.size === 0 ? text : applySplices(text, splices);
    if (injected.size > 0)
      verifyInjection(text, result, injected, options, checkedSpan(text, parsed, splices, result));
    return { text: result, users, userNames: parsed.userNames };
  });
}

/** Undoes injections, byte for byte; a user that was never injected is left as it is. */
export function restoreKubeconfig(source: string, options: EditOptions): EditResult {
  return withFinalNewline(source, (text) =>
    restoreParsed(text, parseKubeconfig(text, options.label, options.onParse), options),
  );
}

/**
 * Edits are planned on a text that ends with a line ending, so that removing or adding the last
 * lines of a file is the same splice as anywhere else (several splices at the very end would
 * otherwise each claim the newline before them); the one added is taken off again.
 */
function withFinalNewline(source: string, edit: (text: string) => EditResult): EditResult {
  if (source === "" || source.endsWith("\n")) return edit(source);
  const eol = lineEnding(source);
  const result = edit(source + eol);
  if (!result.text.endsWith(eol)) {
    throw new KubeconfigError("internal error: an edit removed the end of the file");
  }
  return { ...result, text: result.text.slice(0, -eol.length) };
}

function isInjected(entry: ExecEntry, injectionCommand: string): boolean {
  const env = entry.env === undefined ? undefined : listOf(entry.env);
  if (env !== undefined && env !== "empty" && envIndex(env, ORIGINAL_ENV) !== -1) return true;
  return goesThroughCache(commandOf(entry), injectionCommand);
}

export type { EditOptions, EditResult } from "./edit-types.js";
