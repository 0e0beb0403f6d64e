import { parse } from "yaml";
import { KubeconfigError } from "../errors.js";

/**
 * Source-text helpers for editing a kubeconfig by splicing at node ranges. Every edit kcc-injector
 * makes is a splice, so that whatever it does not touch keeps its exact bytes (comments, quoting,
 * indentation, line endings).
 */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Applies splices that were all computed against `source`, in one pass. They are sorted by start; at
 * the same start, insertions go before a replacement, and otherwise they keep the order they were
 * made in (so "replace the command, then add args after it" reads as written). Overlapping splices
 * are a bug in the planner, never guessed at.
 */
export function applySplices(source: string, splices: readonly Splice[]): string {
  const ordered = splices
    .map((splice, order) => ({ splice, order }))
    .sort(
      (x, y) =>
        x.splice.start - y.splice.start ||
        Number(x.splice.end > x.splice.start) - Number(y.splice.end > y.splice.start) ||
        x.order - y.order,
    );
  const parts: string[] = [];
  let at = 0;
  for (const { splice } of ordered) {
    if (splice.start < at || splice.end < splice.start) {
      throw new KubeconfigError("internal error: overlapping edits");
    }
    parts.push(source.slice(at, splice.start), splice.text);
    at = splice.end;
  }
  parts.push(source.slice(at));
  return parts.join("");
}

let lastSource = "";
let lastEnding = "\n";

/**
 * The file's own line ending, so that inserted lines match it (a CRLF file stays CRLF). Remembered for
 * the last text asked about: every user's edits ask again, and a search of a 5 MB file each time
 * would make the edits quadratic.
 */
export function lineEnding(source: string): string {
  if (source !== lastSource) {
    lastSource = source;
    lastEnding = source.includes("\r\n") ? "\r\n" : "\n";
  }
  return lastEnding;
}

export function lineStartOf(source: string, offset: number): number {
  return source.lastIndexOf("\n", offset - 1) + 1;
}

/** The offset just past the end of the line holding `offset` (its newline included), or the source's end. */
function lineAfter(source: string, offset: number): number {
  // A block scalar's range already ends with its newline: that line is complete.
  if (offset > 0 && source[offset - 1] === "\n") return offset;
  const newline = source.indexOf("\n", offset);
  return newline === -1 ? source.length : newline + 1;
}

/** The whitespace before `offset` on its line, or undefined when something else precedes it there. */
export function indentBefore(source: string, offset: number): string | undefined {
  const text = source.slice(lineStartOf(source, offset), offset);
  return /^[ ]*$/.test(text) ? text : undefined;
}

/**
 * Whole lines [start, end) to remove; when they run to the end of a file without a final newline,
 * the newline before them goes instead, which is exactly what insertion added there.
 */
export function lineRemoval(source: string, first: number, last: number): Splice {
  const start = lineStartOf(source, first);
  const end = lineAfter(source, last);
  if (end === source.length && !source.endsWith("\n") && start > 0) {
    const eol = source[start - 2] === "\r" ? 2 : 1;
    return { start: start - eol, end, text: "" };
  }
  return { start, end, text: "" };
}

/** Inserts whole lines (each given without line ending) after the line holding `offset`. */
export function linesInsertion(source: string, offset: number, lines: readonly string[]): Splice {
  const eol = lineEnding(source);
  const at = lineAfter(source, offset);
  const body = lines.join(eol);
  if (at === source.length && !source.endsWith("\n")) return { start: at, end: at, text: eol + body };
  return { start: at, end: at, text: body + eol };
}

const PLAIN_BLOCK = /^[A-Za-z0-9_/.~@%+=^$][A-Za-z0-9_/.~@%+=^$:,\-[\]{}()]*$/;
const PLAIN_FLOW = /^[A-Za-z0-9_/.~@%+=^$][A-Za-z0-9_/.~@%+=^$\-()]*$/;

/**
 * Writes a string as a YAML scalar that both YAML 1.2 (this parser) and YAML 1.1 (go-yaml, which
 * kubectl uses: `yes`, `on` are booleans there) read back as the same string. Plain when that is
 * safe, else single-quoted, else double-quoted (JSON escapes are valid YAML).
 */
export function formatScalar(value: string, context: "block" | "flow"): string {
  const plain = context === "flow" ? PLAIN_FLOW : PLAIN_BLOCK;
  if (plain.test(value) && readsAsString(value, value)) return value;
  if (!/['\p{Cc}]/u.test(value) && value.trim() === value && value !== "") return `'${value}'`;
  return JSON.stringify(value);
}

function readsAsString(text: string, value: string): boolean {
  try {
    return parse(text, { version: "1.1" }) === value && parse(text) === value;
  } catch {
    return false;
  }
}

/**
 * Whether a scalar's source text can be moved verbatim into another context: single-line, and
 * plain text only into a block context unless it has none of the flow indicators.
 */
export function isMovable(raw: string, context: "block" | "flow"): boolean {
  if (raw === "" || raw.includes("\n") || raw.includes("#")) return false;
  if (raw.startsWith("|") || raw.startsWith(">") || raw.startsWith("&") || raw.startsWith("!")) return false;
  if (context === "block" || raw.startsWith('"') || raw.startsWith("'")) return true;
  return !/[,[\]{}:]/.test(raw);
}
