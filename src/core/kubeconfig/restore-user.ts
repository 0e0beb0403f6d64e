import { ENV } from "../config.js";
import { type ParsedNode, type YAMLSeq, isScalar } from "yaml";
import { KubeconfigError } from "../errors.js";
import {
  colonEnd,
  contextOf,
  removeItemRun,
  removePair,
  replaceNode,
  restoreAfterColon,
} from "./collections.js";
import type { ExecUser } from "./document.js";
import type { EditOptions } from "./edit-types.js";
import { type ExecEntry, commandOf, envIndex, envValue, goesThroughCache, listOf, sourceOf } from "./exec.js";
import { ORIGINAL_ENV, type RestoreState, decodeRestoreState } from "./restore-state.js";
import { type Splice, formatScalar, isMovable } from "./text.js";

/**
 * One user's restore as splices computed against the one parse of `source` (applied with every other
 * user's by applySplices), or undefined when the user was not injected.
 */
export function restoreUser(source: string, user: ExecUser, options: EditOptions): Splice[] | undefined {
  const fail = (message: string): never => {
    throw new KubeconfigError(`${options.label}: user ${JSON.stringify(user.name)}: ${message}`);
  };
  const entry = user.entry;
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
  if (entry.args === undefined || args === undefined || args === "empty" || args.items.length === 0) {
    return fail("injected, but args holds no original command to restore");
  }

  const splices: Splice[] = [];
  const first = args.items[0];
  const value = first !== undefined && isScalar(first) ? first.value : undefined;
  if (first === undefined || typeof value !== "string") return fail("args[0] is not the original command");
  const raw = sourceOf(source, first);
  const spelled =
    state.command ??
    (isMovable(raw, contextOf(entry.exec)) ? raw : formatScalar(value, contextOf(entry.exec)));
  splices.push(replaceNode(entry.command.value as ParsedNode, spelled));
  splices.push(...removeItems(source, entry, entry.args, args, [0], state.args));
  if (env !== undefined && env !== "empty") {
    const names = [ORIGINAL_ENV, ...(state.user === false ? [] : [ENV.user])];
    const indices = names.map((name) => envIndex(env, name)).filter((index) => index !== -1);
    if (entry.env !== undefined && indices.length > 0) {
      splices.push(...removeItems(source, entry, entry.env, env, indices, state.env));
    }
  }
  const pair = entry.provideClusterInfo;
  if (pair !== undefined && state.provideClusterInfo !== undefined) {
    if (state.provideClusterInfo === null) splices.push(removePair(source, entry.exec, pair));
    else if (pair.value !== null) splices.push(replaceNode(pair.value, state.provideClusterInfo));
  }
  return splices;
}

/**
 * Removes the items injection added to a list. A list left empty goes back to how it was before
 * injection filled or created it (`original`: null when the key was absent, else the text after the
 * colon), in one splice that covers the items too, so that no two splices overlap.
 */
function removeItems(
  source: string,
  entry: ExecEntry,
  pair: NonNullable<ExecEntry["args"]>,
  list: YAMLSeq<ParsedNode>,
  indices: readonly number[],
  original: string | null | undefined,
): Splice[] {
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  if (original !== undefined && unique.length === list.items.length) {
    if (original === null) return [removePair(source, entry.exec, pair)];
    if (contextOf(list) === "flow") return [restoreAfterColon(source, pair, original)];
    // Block: the key line keeps its place and gets its old value back; the item lines go.
    const at = colonEnd(pair);
    return [{ start: at, end: at, text: original }, removeItemRun(source, list, 0, unique.length - 1)];
  }
  // Neighbouring items go in one splice: removing each alone would claim the separator between them twice.
  const runs: [number, number][] = [];
  for (const index of unique) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === index - 1) last[1] = index;
    else runs.push([index, index]);
  }
  return runs.map(([from, to]) => removeItemRun(source, list, from, to));
}
