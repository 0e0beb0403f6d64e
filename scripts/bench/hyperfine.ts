// One hyperfine run over every row: ratios are only meaningful between commands timed together.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Row } from "./rows.js";

export interface Timing {
  /** Milliseconds. */
  readonly mean: number;
  readonly stddev: number;
  readonly median: number;
  readonly min: number;
  /** Mean CPU time (user + system): steadier than wall time when other work shares the machine. */
  readonly cpu: number;
}

interface HyperfineJson {
  results: {
    command: string;
    mean: number;
    stddev: number | null;
    median: number;
    min: number;
    user: number;
    system: number;
  }[];
}

export async function runHyperfine(
  rows: readonly Row[],
  options: { runs: number; json: string; env: Record<string, string> },
): Promise<Map<string, Timing>> {
  // hyperfine names its results by the rows' names: two rows of one name would lose one's timing.
  const idOf = new Map(rows.map((row) => [row.name, row.id]));
  if (idOf.size !== rows.length) throw new Error("two bench rows have the same name");
  const args = ["-N", "--warmup", "2", "--runs", String(options.runs), "--export-json", options.json];
  for (const row of runOrder(rows)) args.push("-n", row.name, row.command);
  // Asynchronous: the local API server answering kubectl lives in this very process.
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn("hyperfine", args, { env: options.env, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`hyperfine exited with ${code ?? "a signal"}`);
  const { results } = JSON.parse(readFileSync(options.json, "utf8")) as HyperfineJson;
  const timings = new Map<string, Timing>();
  for (const result of results) {
    const id = idOf.get(result.command);
    if (id === undefined) throw new Error(`hyperfine reported an unknown command: ${result.command}`);
    timings.set(id, {
      mean: result.mean * 1000,
      stddev: (result.stddev ?? 0) * 1000,
      median: result.median * 1000,
      min: result.min * 1000,
      cpu: (result.user + result.system) * 1000,
    });
  }
  return timings;
}

/**
 * hyperfine times one command's runs back to back, so the load of a shared machine drifts between
 * rows: each floor (an empty program) is timed right before the first row compared with it.
 */
function runOrder(rows: readonly Row[]): Row[] {
  const floors = new Set(rows.map((row) => row.baseline).filter((id) => id !== undefined));
  const ordered: Row[] = [];
  const placed = new Set<string>();
  const place = (row: Row): void => {
    if (placed.has(row.id)) return;
    placed.add(row.id);
    ordered.push(row);
  };
  for (const row of rows) {
    const floor = rows.find((candidate) => candidate.id === row.baseline);
    if (floor !== undefined) place(floor);
    if (!floors.has(row.id) || row.baseline !== undefined) place(row);
  }
  for (const row of rows) place(row);
  return ordered;
}
