import { posix } from "node:path";
import { type ParsedNode, isScalar } from "yaml";
import { KubeconfigError } from "./errors.js";
import {
  type Context,
  type Render,
  appendItems,
  colonEnd,
  contextOf,
  insertListPair,
  insertScalarPair,
  prependItem,
  replaceAfterColonWithItems,
  replaceNode,
  valueEnd,
} from "./kubeconfig-collections.js";
import type { ExecUser } from "./kubeconfig-document.js";
import type { EditOptions } from "./kubeconfig-edits.js";
import { type ExecEntry, commandOf, envIndex, listOf, locateExec, sourceOf } from "./kubeconfig-exec.js";
import { ORIGINAL_ENV, type RestoreState, USER_ENV, encodeRestoreState } from "./kubeconfig-restore-state.js";
import { type Splice, applySplice, formatScalar, isMovable } from "./kubeconfig-text.js";

/**
 * One user's injection, spliced into the text: command, args, env and provideClusterInfo, each edit
 * made against a fresh parse so ranges stay right. Records in the restore state exactly what restore
 * needs to give back the original spelling.
 */
export function injectUser(source: string, user: ExecUser, options: EditOptions): string {
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
