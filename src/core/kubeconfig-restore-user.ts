import { type ParsedNode, isScalar } from "yaml";
import { KubeconfigError } from "./errors.js";
import {
  contextOf,
  removeItem,
  removePair,
  replaceNode,
  restoreAfterColon,
} from "./kubeconfig-collections.js";
import type { ExecUser } from "./kubeconfig-document.js";
import type { EditOptions } from "./kubeconfig-edits.js";
import {
  type ExecEntry,
  commandOf,
  envIndex,
  envValue,
  goesThroughCache,
  listOf,
  locateExec,
  sourceOf,
} from "./kubeconfig-exec.js";
import { ORIGINAL_ENV, type RestoreState, USER_ENV, decodeRestoreState } from "./kubeconfig-restore-state.js";
import { type Splice, applySplice, formatScalar, isMovable } from "./kubeconfig-text.js";

/** Returns the restored text, or undefined when the user was not injected. */
export function restoreUser(source: string, user: ExecUser, options: EditOptions): string | undefined {
  const fail = (message: string): never => {
    throw new KubeconfigError(`${options.label}: user ${JSON.stringify(user.name)}: ${message}`);
  };
  const entry = locateExec(source, user.index);
  const env = entry.env === undefined ? undefined : listOf(entry.env);
  const markerIndex = env !== undefined && env !== "empty" ? envIndex(env, ORIGINAL_ENV) : -1;
  let state: RestoreState;
  if (markerIndex !== -1 && env !== undefined && env !== "empty") {
    const raw = envValue(env, markerIndex);
    const decoded = typeof raw === "string" ? decodeRestoreState(raw) : undefined;
    if (decoded === undefined) {
      return fail(`${ORIGINAL_ENV} is not a state kcc-injector wrote; restore this user by hand`);
    }
    state = decoded;
  } else if (goesThroughCache(commandOf(entry), options.injectionCommand)) {
    // Injected by the Go original, which kept no state: undo what it did, and leave provideClusterInfo
    // as it is (it may have been true before; the original forced false and broke such users).
    state = { args: null, env: null };
  } else {
    return undefined;
  }
  const args = entry.args === undefined ? undefined : listOf(entry.args);
  if (args === undefined || args === "empty" || args.items.length === 0) {
    return fail("injected, but args holds no original command to restore");
  }

  let text = source;
  const step = (edit: (entry: ExecEntry) => Splice | undefined): void => {
    const splice = edit(locateExec(text, user.index));
    if (splice !== undefined) text = applySplice(text, splice);
  };
  step((e) => {
    const first = (listOf(e.args as NonNullable<ExecEntry["args"]>) as NonNullable<typeof args>).items[0];
    const value = first !== undefined && isScalar(first) ? first.value : undefined;
    if (first === undefined || typeof value !== "string") return fail("args[0] is not the original command");
    const raw = sourceOf(text, first);
    const spelled =
      state.command ?? (isMovable(raw, contextOf(e.exec)) ? raw : formatScalar(value, contextOf(e.exec)));
    return replaceNode(e.command.value as ParsedNode, spelled);
  });
  step((e) =>
    removeItem(text, listOf(e.args as NonNullable<ExecEntry["args"]>) as NonNullable<typeof args>, 0),
  );
  step((e) => restoreEmpty(text, e, "args", state.args));
  const names = [ORIGINAL_ENV, ...(state.user === false ? [] : [USER_ENV])];
  for (const name of names) {
    step((e) => {
      const list = e.env === undefined ? undefined : listOf(e.env);
      if (list === undefined || list === "empty") return undefined;
      const index = envIndex(list, name);
      return index === -1 ? undefined : removeItem(text, list, index);
    });
  }
  step((e) => restoreEmpty(text, e, "env", state.env));
  step((e) => {
    const pair = e.provideClusterInfo;
    if (pair === undefined || state.provideClusterInfo === undefined) return undefined;
    if (state.provideClusterInfo === null) return removePair(text, e.exec, pair);
    return pair.value === null ? undefined : replaceNode(pair.value, state.provideClusterInfo);
  });
  return text;
}

/** A list that injection created or filled from nothing goes back to nothing, spelled as before. */
function restoreEmpty(
  source: string,
  entry: ExecEntry,
  key: "args" | "env",
  original: string | null | undefined,
): Splice | undefined {
  const pair = entry[key];
  if (pair === undefined || original === undefined) return undefined;
  const list = listOf(pair);
  // Removing the last item of a block list leaves `key:` with an empty value.
  if (list === undefined || (list !== "empty" && list.items.length > 0)) return undefined;
  return original === null ? removePair(source, entry.exec, pair) : restoreAfterColon(source, pair, original);
}
