/**
 * A unified diff (`diff -u` / `git diff` format) of two texts, line by line, for `kcc-injector --diff`.
 * Myers' O(ND) algorithm: kubeconfig edits are small, so D stays small whatever the file's size.
 * Line endings stay part of each line, so a CRLF file diffs as itself.
 */
export function unifiedDiff(
  before: string,
  after: string,
  fromLabel: string,
  toLabel: string,
  context = 3,
): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = diffLines(a, b);
  const out: string[] = [`--- ${fromLabel}\n`, `+++ ${toLabel}\n`];
  for (const hunk of hunks(edits, context)) {
    const first = hunk[0];
    if (first === undefined) continue;
    const aCount = hunk.filter((edit) => edit.kind !== "+").length;
    const bCount = hunk.filter((edit) => edit.kind !== "-").length;
    out.push(`@@ -${range(first.aLine, aCount)} +${range(first.bLine, bCount)} @@\n`);
    for (const edit of hunk) {
      const text = edit.text.endsWith("\n") ? edit.text : `${edit.text}\n\\ No newline at end of file\n`;
      out.push(`${edit.kind === "=" ? " " : edit.kind}${text}`);
    }
  }
  return out.join("");
}

export interface LineEdit {
  readonly kind: "=" | "-" | "+";
  readonly text: string;
  /** 1-based line numbers where this edit sits in each text. */
  readonly aLine: number;
  readonly bLine: number;
}

export function splitLines(text: string): string[] {
  return text === "" ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

export function diffLines(a: readonly string[], b: readonly string[]): LineEdit[] {
  const trace = shortestEdit(a, b);
  const reversed: { kind: "=" | "-" | "+"; ai: number; bi: number }[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const v = trace[d] ?? new Map<number, number>();
    const k = x - y;
    const down = k === -d || (k !== d && (v.get(k - 1) ?? -1) < (v.get(k + 1) ?? -1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (v.get(prevK) ?? 0);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x -= 1;
      y -= 1;
      reversed.push({ kind: "=", ai: x, bi: y });
    }
    if (d > 0) {
      if (down) reversed.push({ kind: "+", ai: x, bi: prevY });
      else reversed.push({ kind: "-", ai: prevX, bi: y });
    }
    x = prevX;
    y = prevY;
  }
  return reversed.reverse().map(({ kind, ai, bi }) => ({
    kind,
    text: (kind === "+" ? b[bi] : a[ai]) ?? "",
    aLine: ai + 1,
    bLine: bi + 1,
  }));
}

/** The furthest-reaching x on each diagonal k, before each step d. */
function shortestEdit(a: readonly string[], b: readonly string[]): Map<number, number>[] {
  const max = a.length + b.length;
  const v = new Map<number, number>([[1, 0]]);
  const trace: Map<number, number>[] = [];
  for (let d = 0; d <= max; d += 1) {
    trace.push(new Map(v));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v.get(k - 1) ?? -1) < (v.get(k + 1) ?? -1));
      let x = down ? (v.get(k + 1) ?? 0) : (v.get(k - 1) ?? 0) + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v.set(k, x);
      if (x >= a.length && y >= b.length) return trace;
    }
  }
  return trace;
}

function hunks(edits: readonly LineEdit[], context: number): LineEdit[][] {
  const changed = edits.flatMap((edit, index) => (edit.kind === "=" ? [] : [index]));
  const groups: LineEdit[][] = [];
  let start = -1;
  let end = -1;
  for (const index of changed) {
    if (start !== -1 && index - context <= end + context) {
      end = index;
      continue;
    }
    if (start !== -1) groups.push(edits.slice(Math.max(0, start - context), end + context + 1));
    start = index;
    end = index;
  }
  if (start !== -1) groups.push(edits.slice(Math.max(0, start - context), end + context + 1));
  return groups;
}

function range(line: number, count: number): string {
  // `diff -u` names the line before an empty range.
  const start = count === 0 ? line - 1 : line;
  return count === 1 ? `${start}` : `${start},${count}`;
}
