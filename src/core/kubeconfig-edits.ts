import { posix } from "node:path";
import { type ParsedNode, isScalar } from "yaml";
import { KubeconfigError } from "./errors.js";
import {
  type Context,
  type Render,
  appendItems,
  contextOf,
  colonEnd,
  insertListPair,
  insertScalarPair,
  prependItem,
  removeItem,
  removePair,
  replaceAfterColonWithItems,
  replaceNode,
  restoreAfterColon,
  valueEnd,
} from "./kubeconfig-collections.js";
import { type ExecUser, parseKubeconfig } from "./kubeconfig-document.js";
import { type ExecEntry, envIndex, envValue, listOf, locateExec, sourceOf } from "./kubeconfig-exec.js";
import {
  ORIGINAL_ENV,
  type RestoreState,
  USER_ENV,
  decodeRestoreState,
  encodeRestoreState,
} from "./kubeconfig-restore-state.js";
import { type Splice, applySplice, formatScalar, isMovable } from "./kubeconfig-text.js";

export interface EditOptions {
  /** The file's path, for messages. */
  readonly label: string;
  /** The injection command (`-c`, default kcc-cache). */
  readonly injectionCommand: string;
  /** Only these users (--user); undefined means all. */
  readonly users: ReadonlySet<string> | undefined;
  /** Absolute directory of the kubeconfig: kubectl resolves relative commands against it. */
  readonly baseDirectory: string;
}

export type UserAction = "injected" | "restored" | "already-injected" | "not-injected";

export interface EditResult {
  readonly text: string;
  readonly users: readonly { readonly name: string; readonly action: UserAction }[];
  /** Every user name in the file, for --user names that match nothing anywhere. */
  readonly userNames: readonly string[];
}

/**
 * Points every selected exec user at the injection command (issue 3, "Injection"): the original
 * command goes first in args, provideClusterInfo becomes true, KUBE_CREDENTIAL_CACHE_USER and the
 * restore state (kubeconfig-restore-state.ts) are appended to env. Nothing else changes a byte.
 * Before returning, the result is checked: it must parse, say what was meant, and restore to `source`
 * exactly; if not, nothing is edited and the error says so.
 */
export function injectKubeconfig(source: string, options: EditOptions): EditResult {
  const parsed = parseKubeconfig(source, options.label);
  let text = source;
  const users: { name: string; action: UserAction }[] = [];
  const injected: ExecUser[] = [];
  for (const user of selected(parsed.execUsers, options)) {
    const entry = locateExec(text, user.index);
    if (isInjected(text, entry, options.injectionCommand)) {
      users.push({ name: user.name, action: "already-injected" });
      continue;
    }
    text = injectUser(text, user, options);
    users.push({ name: user.name, action: "injected" });
    injected.push(user);
  }
  verifyInjection(source, text, injected, options);
  return { text, users, userNames: parsed.userNames };
}

/** Undoes injections (issue 3, "Restore"); a user that was never injected is left as it is. */
export function restoreKubeconfig(source: string, options: EditOptions): EditResult {
  const parsed = parseKubeconfig(source, options.label);
  let text = source;
  const users: { name: string; action: UserAction }[] = [];
  for (const user of selected(parsed.execUsers, options)) {
    const next = restoreUser(text, user, options);
    users.push({ name: user.name, action: next === undefined ? "not-injected" : "restored" });
    if (next !== undefined) text = next;
  }
  return { text, users, userNames: parsed.userNames };
}

function selected(users: readonly ExecUser[], options: EditOptions): readonly ExecUser[] {
  const only = options.users;
  return only === undefined ? users : users.filter((user) => only.has(user.name));
}

function isInjected(source: string, entry: ExecEntry, injectionCommand: string): boolean {
  const env = entry.env === undefined ? undefined : listOf(entry.env);
  if (env !== undefined && env !== "empty" && envIndex(env, ORIGINAL_ENV) !== -1) return true;
  return goesThroughCache(commandOf(entry), injectionCommand);
}

function goesThroughCache(command: string, injectionCommand: string): boolean {
  return command === injectionCommand || /^kcc-cache(\.exe)?$/i.test(command.split(/[\\/]/).pop() ?? "");
}

function commandOf(entry: ExecEntry): string {
  const value = entry.command.value;
  return isScalar(value) && typeof value.value === "string" ? value.value : "";
}

function injectUser(source: string, user: ExecUser, options: EditOptions): string {
  const fail = (message: string): never => {
    throw new KubeconfigError(`${options.label}: user ${JSON.stringify(user.name)}: ${message}`);
  };
  let text = source;
  const entry = locateExec(text, user.index);
  const commandNode = entry.command.value as ParsedNode;
  const rawCommand = sourceOf(text, commandNode);
  const args = entry.args === undefined ? undefined : listOf(entry.args);
  const env = entry.env === undefined ? undefined : listOf(entry.env);
  if (entry.args !== undefined && args === undefined) fail("exec args is not a list");
  if (entry.env !== undefined && env === undefined) fail("exec env is not a list");

  // PROTOCOL.md, kubeconfig: kubectl resolves a relative command with a path separator against the
  // kubeconfig's directory, but not args; moved into args it must be absolute to keep working.
  const command = commandOf(entry);
  const moved =
    command.includes("/") && !posix.isAbsolute(command)
      ? posix.join(options.baseDirectory, command)
      : command;
  const argsContext: Context =
    args !== undefined && args !== "empty" ? contextOf(args) : contextOf(entry.exec);
  const movedText =
    moved === command && isMovable(rawCommand, argsContext) ? rawCommand : formatScalar(moved, argsContext);

  const pci = entry.provideClusterInfo?.value ?? undefined;
  const state: RestoreState = {
    ...(movedText === rawCommand ? {} : { command: rawCommand }),
    ...(entry.args === undefined ? { args: null } : {}),
    ...(entry.args !== undefined && isEmpty(args) ? { args: afterColon(text, entry.args) } : {}),
    ...(entry.env === undefined ? { env: null } : {}),
    ...(entry.env !== undefined && isEmpty(env) ? { env: afterColon(text, entry.env) } : {}),
    ...(pci === undefined ? { provideClusterInfo: null } : {}),
    ...(pci !== undefined && !(isScalar(pci) && pci.value === true)
      ? { provideClusterInfo: sourceOf(text, pci) }
      : {}),
    ...(env !== undefined && env !== "empty" && envIndex(env, USER_ENV) !== -1
      ? { user: false as const }
      : {}),
  };

  const step = (edit: (entry: ExecEntry) => Splice): void => {
    text = applySplice(text, edit(locateExec(text, user.index)));
  };
  step((e) =>
    replaceNode(e.command.value as ParsedNode, formatScalar(options.injectionCommand, contextOf(e.exec))),
  );
  const argItem: Render = () => [movedText];
  step((e) => {
    const list = e.args === undefined ? undefined : listOf(e.args);
    if (e.args === undefined) return insertListPair(text, e.exec, e.command, "args", [argItem], e.seqIndent);
    if (list === "empty" || list === undefined) {
      return replaceAfterColonWithItems(text, e.exec, e.args, [argItem], e.seqIndent);
    }
    return prependItem(text, list, argItem);
  });
  const envItems = [
    ...(state.user === false ? [] : [envItem(USER_ENV, user.name)]),
    envItem(ORIGINAL_ENV, encodeRestoreState(state)),
  ];
  step((e) => {
    const list = e.env === undefined ? undefined : listOf(e.env);
    if (e.env === undefined) return insertListPair(text, e.exec, undefined, "env", envItems, e.seqIndent);
    if (list === "empty" || list === undefined) {
      return replaceAfterColonWithItems(text, e.exec, e.env, envItems, e.seqIndent);
    }
    return appendItems(text, list, envItems);
  });
  if (state.provideClusterInfo === null) {
    step((e) => insertScalarPair(text, e.exec, undefined, "provideClusterInfo", "true"));
  } else if (state.provideClusterInfo !== undefined) {
    step((e) => replaceNode(e.provideClusterInfo?.value as ParsedNode, "true"));
  }
  return text;
}

/**
 * `[]`, `null` or nothing: recorded as written, because after kubectl rewrites the file the list
 * injection filled can no longer tell how it was spelled when empty.
 */
function isEmpty(list: ReturnType<typeof listOf>): boolean {
  return list === "empty" || (list !== undefined && list.items.length === 0);
}

function envItem(name: string, value: string): Render {
  return (context) =>
    context === "flow"
      ? [`{name: ${formatScalar(name, "flow")}, value: ${formatScalar(value, "flow")}}`]
      : [`name: ${formatScalar(name, "block")}`, `value: ${formatScalar(value, "block")}`];
}

function afterColon(source: string, pair: NonNullable<ExecEntry["args"]>): string {
  return source.slice(colonEnd(pair), valueEnd(source, pair));
}

/** Returns the restored text, or undefined when the user was not injected. */
function restoreUser(source: string, user: ExecUser, options: EditOptions): string | undefined {
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

function verifyInjection(
  source: string,
  text: string,
  injected: readonly ExecUser[],
  options: EditOptions,
): void {
  if (injected.length === 0) return;
  const names = new Set(injected.map((user) => user.name));
  let restored: string | undefined;
  try {
    const check = parseKubeconfig(text, options.label);
    for (const user of check.execUsers.filter((u) => names.has(u.name))) {
      const entry = locateExec(text, user.index);
      const env = entry.env === undefined ? undefined : listOf(entry.env);
      if (commandOf(entry) !== options.injectionCommand || env === undefined || env === "empty") {
        throw new Error(`user ${user.name}`);
      }
    }
    restored = restoreKubeconfig(text, { ...options, users: names }).text;
  } catch {
    restored = undefined;
  }
  if (restored !== source) {
    throw new KubeconfigError(
      `${options.label}: cannot inject without risking an inexact restore (an unusual layout; please report it); nothing was changed`,
    );
  }
}
