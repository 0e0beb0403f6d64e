import { ENV } from "../config.js";
import { type ParsedNode, isScalar } from "yaml";
import { KubeconfigError } from "../errors.js";
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
} from "./collections.js";
import type { ExecUser } from "./document.js";
import type { EditOptions } from "./edit-types.js";
import { resolveExecCommand } from "./exec-command-path.js";
import { type ExecEntry, commandOf, envIndex, listOf, sourceOf } from "./exec.js";
import { ORIGINAL_ENV, type RestoreState, encodeRestoreState } from "./restore-state.js";
import { type Splice, formatScalar, isMovable } from "./text.js";

/**
 * One user's injection as splices into the text: command, args, env and provideClusterInfo, all
 * computed against the one parse of `source` (applySplices applies them with every other user's).
 * Records in the restore state exactly what restore needs to give back the original spelling.
 */
export function injectUser(source: string, user: ExecUser, options: EditOptions): Splice[] {
  const fail = (message: string): never => {
    throw new KubeconfigError(`${options.label}: user ${JSON.stringify(user.name)}: ${message}`);
  };
  const entry = user.entry;
  const commandNode = entry.command.value as ParsedNode;
  const rawCommand = sourceOf(source, commandNode);
  const args = entry.args === undefined ? undefined : listOf(entry.args);
  const env = entry.env === undefined ? undefined : listOf(entry.env);
  if (entry.args !== undefined && args === undefined) fail("exec args is not a list");
  if (entry.env !== undefined && env === undefined) fail("exec env is not a list");

  // docs/protocol.md, kubeconfig: kubectl resolves a relative command with a path separator against the
  // kubeconfig's directory, but not args; moved into args it must be absolute to keep working.
  const command = commandOf(entry);
  const moved = resolveExecCommand(command, options.baseDirectory);
  const argsContext: Context =
    args !== undefined && args !== "empty" ? contextOf(args) : contextOf(entry.exec);
  const movedText =
    moved === command && isMovable(rawCommand, argsContext) ? rawCommand : formatScalar(moved, argsContext);

  const pci = entry.provideClusterInfo?.value ?? undefined;
  const state: RestoreState = {
    ...(movedText === rawCommand ? {} : { command: rawCommand }),
    ...(entry.args === undefined ? { args: null } : {}),
    ...(entry.args !== undefined && isEmpty(args) ? { args: afterColon(source, entry.args) } : {}),
    ...(entry.env === undefined ? { env: null } : {}),
    ...(entry.env !== undefined && isEmpty(env) ? { env: afterColon(source, entry.env) } : {}),
    ...(pci === undefined ? { provideClusterInfo: null } : {}),
    ...(pci !== undefined && !(isScalar(pci) && pci.value === true)
      ? { provideClusterInfo: sourceOf(source, pci) }
      : {}),
    ...(env !== undefined && env !== "empty" && envIndex(env, ENV.user) !== -1
      ? { user: false as const }
      : {}),
  };

  // Where a new key goes "after the last one", it lands at the same offset as an earlier insertion
  // after that key: applySplices keeps them in this order, which is the order they were made in.
  const splices: Splice[] = [];
  splices.push(replaceNode(commandNode, formatScalar(options.injectionCommand, contextOf(entry.exec))));
  const argItem: Render = () => [movedText];
  if (entry.args === undefined) {
    splices.push(insertListPair(source, entry.exec, entry.command, "args", [argItem], entry.seqIndent));
  } else if (args === "empty" || args === undefined) {
    splices.push(...replaceAfterColonWithItems(source, entry.exec, entry.args, [argItem], entry.seqIndent));
  } else {
    splices.push(prependItem(source, args, argItem));
  }
  const envItems = [
    ...(state.user === false ? [] : [envItem(ENV.user, user.name)]),
    envItem(ORIGINAL_ENV, encodeRestoreState(state)),
  ];
  if (entry.env === undefined) {
    splices.push(insertListPair(source, entry.exec, undefined, "env", envItems, entry.seqIndent));
  } else if (env === "empty" || env === undefined) {
    splices.push(...replaceAfterColonWithItems(source, entry.exec, entry.env, envItems, entry.seqIndent));
  } else {
    splices.push(appendItems(source, env, envItems));
  }
  if (state.provideClusterInfo === null) {
    splices.push(insertScalarPair(source, entry.exec, undefined, "provideClusterInfo", "true"));
  } else if (state.provideClusterInfo !== undefined) {
    splices.push(replaceNode(pci as ParsedNode, "true"));
  }
  return splices;
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
