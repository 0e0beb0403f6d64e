import {
  type CST,
  type Pair,
  type ParsedNode,
  type YAMLMap,
  type YAMLSeq,
  isCollection,
  isScalar,
} from "yaml";
import { KubeconfigError } from "../errors.js";
import { type Splice, indentBefore, lineEnding, lineRemoval, lineStartOf, linesInsertion } from "./text.js";

/**
 * Splices that add or remove one entry of a mapping or sequence, written so that each removal is
 * the exact inverse of the matching insertion (restore relies on it), in block and flow style.
 * Each function reads node ranges of the one parse of `source`; the splices of a file are applied
 * together by applySplices, so none may overlap another.
 */
export type Context = "block" | "flow";
type YamlMap = YAMLMap<ParsedNode, ParsedNode | null>;
type Seq = YAMLSeq<ParsedNode>;
type MapPair = Pair<ParsedNode, ParsedNode | null>;

/** A new entry: block lines (the first follows `- ` or `key:`) or one flow element. */
export type Render = (context: Context) => readonly string[];

export function contextOf(node: YamlMap | Seq): Context {
  return node.flow === true ? "flow" : "block";
}

/** Where a pair's value text ends: its node's end, or just past the colon when the value is empty. */
export function valueEnd(source: string, pair: MapPair): number {
  const value = pair.value;
  if (value === null || (isScalar(value) && value.range[0] === value.range[1])) return colonEnd(pair);
  return value.range[1];
}

export function colonEnd(pair: MapPair): number {
  const token = (pair as { srcToken?: CST.CollectionItem }).srcToken;
  const colon = token?.sep?.find((t) => t.type === "map-value-ind");
  if (colon === undefined) throw new KubeconfigError("unsupported layout: a key without a colon");
  return colon.offset + 1;
}

export function replaceNode(node: ParsedNode, text: string): Splice {
  return { start: node.range[0], end: node.range[1], text };
}

/**
 * Replaces an empty or null value (`args: null`, as kubectl writes) with a list of items. In block
 * style the old value goes and the items follow as lines of their own, so that whatever else the key's
 * line holds (trailing spaces, a comment) stays where it was, and restore has only the value to put
 * back; the line's end is not the value's end.
 */
export function replaceAfterColonWithItems(
  source: string,
  map: YamlMap,
  pair: MapPair,
  items: readonly Render[],
  seqIndent: string,
): Splice[] {
  const range = { start: colonEnd(pair), end: valueEnd(source, pair) };
  if (contextOf(map) === "flow") return [{ ...range, text: ` ${flowList(items)}` }];
  const indent = blockIndent(source, pair.key.range[0]) + seqIndent;
  const lines = items.flatMap((render) => itemLines(indent, render("block")));
  return [{ ...range, text: "" }, linesInsertion(source, range.end, lines)];
}

export function restoreAfterColon(source: string, pair: MapPair, raw: string): Splice {
  return { start: colonEnd(pair), end: valueEnd(source, pair), text: raw };
}

/** Adds `key: <scalar>` after `after` (or at the end of the mapping). */
export function insertScalarPair(
  source: string,
  map: YamlMap,
  after: MapPair | undefined,
  key: string,
  scalar: string,
): Splice {
  return insertPairText(source, map, after, key, scalar, []);
}

/** Adds `key:` holding a list of items after `after` (or at the end of the mapping). */
export function insertListPair(
  source: string,
  map: YamlMap,
  after: MapPair | undefined,
  key: string,
  items: readonly Render[],
  seqIndent: string,
): Splice {
  const lines = items.flatMap((render) => itemLines(seqIndent, render("block")));
  return insertPairText(source, map, after, key, flowList(items), lines);
}

function insertPairText(
  source: string,
  map: YamlMap,
  after: MapPair | undefined,
  key: string,
  flowValue: string,
  blockLines: readonly string[],
): Splice {
  const last = after ?? map.items[map.items.length - 1];
  if (last === undefined) throw new KubeconfigError("unsupported layout: an empty exec mapping");
  if (contextOf(map) === "flow") {
    const at = valueEnd(source, last);
    return { start: at, end: at, text: `, ${key}: ${flowValue}` };
  }
  const indent = blockIndent(source, firstKeyStart(map));
  const head = blockLines.length === 0 ? `${indent}${key}: ${flowValue}` : `${indent}${key}:`;
  return linesInsertion(source, valueEnd(source, last), [head, ...blockLines.map((line) => indent + line)]);
}

function flowList(items: readonly Render[]): string {
  return `[${items.map((render) => render("flow").join("")).join(", ")}]`;
}

export function removePair(source: string, map: YamlMap, pair: MapPair): Splice {
  if (contextOf(map) === "block") return lineRemoval(source, pair.key.range[0], valueEnd(source, pair));
  const index = map.items.indexOf(pair);
  const previous = map.items[index - 1];
  const next = map.items[index + 1];
  if (previous !== undefined)
    return { start: valueEnd(source, previous), end: valueEnd(source, pair), text: "" };
  if (next !== undefined) return { start: pair.key.range[0], end: next.key.range[0], text: "" };
  return { start: pair.key.range[0], end: valueEnd(source, pair), text: "" };
}

export function prependItem(source: string, seq: Seq, render: Render): Splice {
  const context = contextOf(seq);
  const lines = render(context);
  const first = seq.items[0];
  if (context === "flow") {
    if (first === undefined) return insertAt(afterBracket(seq), lines.join(""));
    return insertAt(first.range[0], `${lines.join("")}, `);
  }
  const dash = dashOffset(seq, 0);
  const indent = blockIndent(source, dash);
  const eol = lineEnding(source);
  return insertAt(lineStartOf(source, dash), itemLines(indent, lines).join(eol) + eol);
}

export function appendItems(source: string, seq: Seq, renders: readonly Render[]): Splice {
  const context = contextOf(seq);
  const last = seq.items[seq.items.length - 1];
  if (context === "flow") {
    const elements = renders.map((render) => render(context).join(""));
    if (last === undefined) return insertAt(afterBracket(seq), elements.join(", "));
    return insertAt(last.range[1], `, ${elements.join(", ")}`);
  }
  if (last === undefined) throw new KubeconfigError("unsupported layout: an empty block sequence");
  const indent = blockIndent(source, dashOffset(seq, 0));
  const lines = renders.flatMap((render) => itemLines(indent, render(context)));
  return linesInsertion(source, last.range[1], lines);
}

/** Removes items from..to (inclusive) of a sequence, with the separator or lines that go with them. */
export function removeItemRun(source: string, seq: Seq, from: number, to: number): Splice {
  const first = seq.items[from];
  const last = seq.items[to];
  if (first === undefined || last === undefined) {
    throw new KubeconfigError("internal error: no such sequence item");
  }
  if (contextOf(seq) === "block") return lineRemoval(source, dashOffset(seq, from), last.range[1]);
  const previous = seq.items[from - 1];
  const next = seq.items[to + 1];
  if (previous !== undefined) return { start: previous.range[1], end: last.range[1], text: "" };
  if (next !== undefined) return { start: first.range[0], end: next.range[0], text: "" };
  return { start: first.range[0], end: last.range[1], text: "" };
}

/**
 * How far block sequences are indented under their key in this file: kubectl and PyYAML (aws,
 * gcloud) write `args:` / `- x` at the same column, hand-written files often indent by two.
 */
export function sequenceIndent(source: string, root: ParsedNode | null): string {
  let found: string | undefined;
  const visit = (node: ParsedNode | null): void => {
    if (found !== undefined || node === null || !isCollection(node) || node.flow === true) return;
    for (const item of node.items as unknown[]) {
      const pair = item as Partial<MapPair>;
      const value = (pair.value ?? item) as ParsedNode | null;
      if (pair.key !== undefined && value !== null && isCollection(value) && value.flow !== true) {
        if ("srcToken" in value && (value.srcToken as CST.Token | undefined)?.type === "block-seq") {
          const keyCol = pair.key.range[0] - lineStartOf(source, pair.key.range[0]);
          const dash = dashOffset(value as Seq, 0);
          const width = dash - lineStartOf(source, dash) - keyCol;
          if (width >= 0) found = " ".repeat(width);
        }
      }
      visit(value);
    }
  };
  visit(root);
  return found ?? "";
}

function itemLines(indent: string, lines: readonly string[]): string[] {
  return lines.map((line, index) => (index === 0 ? `${indent}- ${line}` : `${indent}  ${line}`));
}

function afterBracket(seq: Seq): number {
  const start = seq.range?.[0];
  if (start === undefined) throw new KubeconfigError("internal error: a list without a position");
  return start + 1;
}

function insertAt(offset: number, text: string): Splice {
  return { start: offset, end: offset, text };
}

function firstKeyStart(map: YamlMap): number {
  const first = map.items[0];
  if (first === undefined) throw new KubeconfigError("unsupported layout: an empty exec mapping");
  return first.key.range[0];
}

function dashOffset(seq: Seq, index: number): number {
  const token = (seq as { srcToken?: CST.Token }).srcToken;
  if (token?.type !== "block-seq") throw new KubeconfigError("unsupported layout: not a block sequence");
  const dash = token.items[index]?.start.find((t) => t.type === "seq-item-ind");
  if (dash === undefined) throw new KubeconfigError("unsupported layout: a sequence item without a dash");
  return dash.offset;
}

function blockIndent(source: string, offset: number): string {
  const indent = indentBefore(source, offset);
  // e.g. `- - a` or `- key: v` as the first entry: the column is not all spaces; kcc-injector does not
  // guess how to continue such a layout.
  if (indent === undefined) {
    throw new KubeconfigError("unsupported layout: an entry that does not start its own line");
  }
  return indent;
}
