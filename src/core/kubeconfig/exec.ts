import { type Pair, type ParsedNode, type YAMLMap, type YAMLSeq, isMap, isScalar, isSeq } from "yaml";
import { KubeconfigError } from "../errors.js";

type YamlMap = YAMLMap<ParsedNode, ParsedNode | null>;
type MapPair = Pair<ParsedNode, ParsedNode | null>;

/** One user's exec entry in the one parse of the file, with the parts injection and restore read and edit. */
export interface ExecEntry {
  readonly exec: YamlMap;
  readonly command: MapPair;
  readonly args: MapPair | undefined;
  readonly env: MapPair | undefined;
  readonly provideClusterInfo: MapPair | undefined;
  /** How far this file indents block sequences under their key. */
  readonly seqIndent: string;
}

/**
 * The parts of users[i].user.exec that editing reads. Every edit of a file is computed against this
 * one parse and applied in one pass (applySplices), so the work grows with the file, not with the
 * file times its users.
 */
export function execEntryOf(exec: YamlMap, seqIndent: string): ExecEntry {
  const command = pairOf(exec, "command");
  if (command === undefined) throw new KubeconfigError("internal error: exec command lost");
  return {
    exec,
    command,
    args: pairOf(exec, "args"),
    env: pairOf(exec, "env"),
    provideClusterInfo: pairOf(exec, "provideClusterInfo"),
    seqIndent,
  };
}

function pairOf(map: YamlMap, key: string): MapPair | undefined {
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

/** A scalar node's value; undefined for anything else. */
export function scalarValue(node: unknown): unknown {
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

/** True for the injection command, or any path whose base name is kcc-cache (so that injecting twice changes nothing). */
export function goesThroughCache(command: string, injectionCommand: string): boolean {
  return command === injectionCommand || /^kcc-cache(\.exe)?$/i.test(command.split(/[\\/]/).pop() ?? "");
}
