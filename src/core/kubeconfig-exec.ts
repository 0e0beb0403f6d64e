import {
  type Pair,
  type ParsedNode,
  type YAMLMap,
  type YAMLSeq,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
} from "yaml";
import { KubeconfigError } from "./errors.js";
import { sequenceIndent } from "./kubeconfig-collections.js";

type Map = YAMLMap<ParsedNode, ParsedNode | null>;
type MapPair = Pair<ParsedNode, ParsedNode | null>;

/** One user's exec entry in a fresh parse, with the parts injection and restore read and edit. */
export interface ExecEntry {
  readonly exec: Map;
  readonly command: MapPair;
  readonly args: MapPair | undefined;
  readonly env: MapPair | undefined;
  readonly provideClusterInfo: MapPair | undefined;
  /** How far this file indents block sequences under their key. */
  readonly seqIndent: string;
}

/**
 * Re-parses `source` and finds users[index].user.exec. Edits are applied one at a time with a fresh
 * parse in between, so every splice works from exact ranges; kubeconfigs are small enough for that.
 * The shape was validated by parseKubeconfig before the first edit.
 */
export function locateExec(source: string, index: number): ExecEntry {
  const doc = parseDocument(source, { keepSourceTokens: true });
  const exec = doc.getIn(["users", index, "user", "exec"], true);
  if (!isMap(exec) || doc.errors.length > 0) throw new KubeconfigError("internal error: exec entry lost");
  const map = exec as Map;
  const command = pairOf(map, "command");
  if (command === undefined) throw new KubeconfigError("internal error: exec command lost");
  return {
    exec: map,
    command,
    args: pairOf(map, "args"),
    env: pairOf(map, "env"),
    provideClusterInfo: pairOf(map, "provideClusterInfo"),
    seqIndent: sequenceIndent(source, doc.contents),
  };
}

export function pairOf(map: Map, key: string): MapPair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

/** The list a pair holds: a sequence, "empty" for a null or empty value, or undefined for anything else. */
export function listOf(pair: MapPair): YAMLSeq<ParsedNode> | "empty" | undefined {
  const value = pair.value;
  if (value === null || (isScalar(value) && value.value === null)) return "empty";
  return isSeq(value) ? value : undefined;
}

/** The index of the env item named `name` (the last one: ours are appended). */
export function envIndex(env: YAMLSeq<ParsedNode>, name: string): number {
  for (let index = env.items.length - 1; index >= 0; index -= 1) {
    const item = env.items[index];
    if (isMap(item) && scalarValue(item.get("name", true)) === name) return index;
  }
  return -1;
}

export function envValue(env: YAMLSeq<ParsedNode>, index: number): unknown {
  const item = env.items[index];
  return isMap(item) ? scalarValue(item.get("value", true)) : undefined;
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

export function sourceOf(source: string, node: ParsedNode): string {
  return source.slice(node.range[0], node.range[1]);
}

/** The exec command as a string ("" when it is not a plain string scalar). */
export function commandOf(entry: ExecEntry): string {
  const value = entry.command.value;
  return isScalar(value) && typeof value.value === "string" ? value.value : "";
}

/** True for the injection command, or any path whose base name is kcc-cache (issue 3: idempotent). */
export function goesThroughCache(command: string, injectionCommand: string): boolean {
  return command === injectionCommand || /^kcc-cache(\.exe)?$/i.test(command.split(/[\\/]/).pop() ?? "");
}
