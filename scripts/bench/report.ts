// The results as markdown: one table per section, the memory figures, the targets and the machine.
import type { Timing } from "./hyperfine.js";
import type { Machine } from "./machine.js";
import { SECTION_TITLES, type Row, type Section } from "./rows.js";
import { renderSessions, type SessionResult } from "./session.js";
import type { TargetResult } from "./targets.js";

export interface Results {
  readonly rows: readonly Row[];
  readonly timings: ReadonlyMap<string, Timing>;
  /** MiB by row id. */
  readonly memory: ReadonlyMap<string, number>;
  readonly memoryProbe: string | undefined;
  readonly targets: readonly TargetResult[];
  readonly machine: Machine;
  readonly runs: number;
  readonly skipped: readonly string[];
  readonly session?: {
    readonly results: readonly SessionResult[];
    readonly seconds: number;
    readonly kcc: string;
  };
}

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

export function renderMarkdown(results: Results): string {
  const { rows, timings, machine } = results;
  const nameOf = new Map(rows.map((row) => [row.id, row.name]));
  const lines: string[] = ["# kcc-cache benchmark", ""];
  lines.push(
    `One \`hyperfine -N\` run, ${results.runs} runs per row after 2 warm-ups; each command starts from ` +
      "a fresh `sh -c` (the shell's own cost is the `sh` row). Compare ratios, not milliseconds: they " +
      "come from one run on one machine. CPU is user + system time, steadier than wall time on a busy machine.",
    "",
  );
  for (const section of Object.keys(SECTION_TITLES) as Section[]) {
    const inSection = rows.filter((row) => row.section === section && timings.has(row.id));
    if (inSection.length === 0) continue;
    lines.push(
      `## ${SECTION_TITLES[section]}`,
      "",
      "| | mean ± σ (ms) | median | CPU | ratio (of means) |",
      "|---|---:|---:|---:|---|",
    );
    for (const row of inSection) {
      const timing = timings.get(row.id);
      if (timing === undefined) continue;
      const base = row.baseline === undefined ? undefined : timings.get(row.baseline);
      const ratio =
        base === undefined
          ? ""
          : `${(timing.mean / base.mean).toFixed(2)}× ${nameOf.get(row.baseline ?? "") ?? ""}`;
      lines.push(
        `| ${row.name} | ${ms(timing.mean)} ± ${ms(timing.stddev)} | ${ms(timing.median)} | ${ms(timing.cpu)} | ${ratio} |`,
      );
    }
    lines.push("");
  }
  if (results.session !== undefined) {
    lines.push(...renderSessions(results.session.results, results.session.seconds, results.session.kcc));
  }
  if (results.memory.size > 0) {
    lines.push("## Peak memory (max RSS, median of 5)", "", "| | MiB |", "|---|---:|");
    for (const [id, mib] of results.memory) lines.push(`| ${nameOf.get(id) ?? id} | ${mib.toFixed(1)} |`);
    lines.push("", `Measured with ${results.memoryProbe ?? "?"}.`, "");
  }
  lines.push("## Targets", "", "| | goal | this run | |", "|---|---|---|---|");
  for (const target of results.targets) {
    const mark = target.met === undefined ? "n/a" : target.met ? "met" : "missed";
    lines.push(`| ${target.label} | ${target.goal} | ${target.landed} | ${mark} |`);
  }
  lines.push("", "## Machine", "");
  lines.push(
    `- ${machine.cores} cores, ${machine.cpu}`,
    `- ${machine.os}`,
    `- Node ${machine.node}${machine.bun === undefined ? "" : `, bun ${machine.bun}`}${machine.kubectl === undefined ? "" : `, kubectl ${machine.kubectl}`}, ${machine.hyperfine}`,
    `- NODE_EXTRA_CA_CERTS ${machine.extraCa ? "set" : "not set"}; load average at start ${machine.load}`,
    `- ${machine.date}`,
  );
  if (results.skipped.length > 0) {
    lines.push("", "Rows left out of this run:", "", ...results.skipped.map((reason) => `- ${reason}`));
  }
  return `${lines.join("\n")}\n`;
}

export function renderTargets(targets: readonly TargetResult[]): string {
  const width = Math.max(...targets.map((target) => target.label.length));
  return targets
    .map((target) => {
      const mark = target.met === undefined ? "  n/a " : target.met ? "  met " : "MISSED";
      return `${mark}  ${target.label.padEnd(width)}  goal ${target.goal.padEnd(16)} landed ${target.landed}`;
    })
    .join("\n");
}
