// The targets the project set itself, as ratios within one run, and where this run lands.
import type { Timing } from "./hyperfine.js";

export interface TargetResult {
  readonly label: string;
  /** e.g. "≤ 1.15×" */
  readonly goal: string;
  /** e.g. "1.08×", or why there is no figure. */
  readonly landed: string;
  /** undefined: not measured in this run. */
  readonly met: boolean | undefined;
}

type Check = (value: number) => boolean;

export function evaluateTargets(
  timings: ReadonlyMap<string, Timing>,
  memory: ReadonlyMap<string, number>,
): TargetResult[] {
  const mean = (id: string): number | undefined => timings.get(id)?.mean;
  const results: TargetResult[] = [];
  const ratio = (
    label: string,
    goal: string,
    top: string,
    bottom: string,
    check: Check,
    asFraction = false,
  ) => {
    const a = mean(top);
    const b = mean(bottom);
    if (a === undefined || b === undefined) {
      results.push({
        label,
        goal,
        landed: `not measured (no ${a === undefined ? top : bottom} row)`,
        met: undefined,
      });
      return;
    }
    const value = a / b;
    const landed = asFraction ? `1/${(1 / value).toFixed(0)}` : `${value.toFixed(2)}×`;
    results.push({ label, goal, landed, met: check(value) });
  };
  const atMost =
    (limit: number): Check =>
    (value) =>
      value <= limit;
  const atLeast =
    (limit: number): Check =>
    (value) =>
      value >= limit;

  ratio("binary hit vs aws eks get-token", "≤ 1/40", "c-bin-file", "c-aws", atMost(1 / 40), true);
  ratio("Node hit vs aws eks get-token (for comparison)", "—", "c-node-file", "c-aws", () => true, true);
  ratio("binary hit vs the Go original's hit", "≤ 2.5×", "c-bin-file", "c-go-file", atMost(2.5));
  ratio(
    "binary secret-store hit vs the Go original's secret-store hit",
    "≤ 2×",
    "s-bin-hit",
    "s-go-hit",
    atMost(2),
  );
  ratio(
    "Node secret-store hit vs the Go original's (for comparison)",
    "—",
    "s-node-hit",
    "s-go-hit",
    () => true,
  );
  ratio(
    "binary secret-store miss vs the Go original's (for comparison)",
    "—",
    "s-bin-miss",
    "s-go-miss",
    () => true,
  );
  ratio("binary hit vs an empty bun binary", "≤ 1.15×", "c-bin-file", "e-bun", atMost(1.15));
  ratio(
    "binary hit with 320 more variables vs without (for comparison)",
    "—",
    "c-bin-large-env",
    "c-bin-file",
    () => true,
  );
  ratio("Node hit vs node -e '' (environment as is)", "≤ 1.15×", "c-node-file", "e-node", atMost(1.15));
  ratio(
    "Node hit vs node -e '', NODE_EXTRA_CA_CERTS unset",
    "≤ 1.15×",
    "c-node-file-noca",
    "e-node-noca",
    atMost(1.15),
  );
  ratio(
    "Node hit with 10,000 other entries in the file vs with none",
    "≤ 1.15×",
    "c-node-crowded",
    "c-node-file",
    atMost(1.15),
  );
  ratio(
    "kubectl through the binary vs kubectl with a static token",
    "≤ 1.3×",
    "k-aws-bin",
    "k-static",
    atMost(1.3),
  );
  ratio(
    "kubectl through Node vs kubectl with a static token",
    "≤ 1.3×",
    "k-aws-node",
    "k-static",
    atMost(1.3),
  );
  ratio("kubectl + aws direct vs through the binary", "≥ 6×", "k-aws", "k-aws-bin", atLeast(6));
  ratio("kubectl + aws direct vs through Node", "≥ 6×", "k-aws", "k-aws-node", atLeast(6));

  const rss = (label: string, hit: string, empty: string, limitMib = 10): void => {
    const goal = `≤ empty + ${limitMib} MiB`;
    const a = memory.get(hit);
    const b = memory.get(empty);
    if (a === undefined || b === undefined) {
      results.push({ label, goal, landed: "not measured", met: undefined });
      return;
    }
    const extra = a - b;
    results.push({
      label,
      goal,
      landed: `${a.toFixed(1)} MiB (empty + ${extra.toFixed(1)})`,
      met: extra <= limitMib,
    });
  };
  rss("peak memory of a binary hit", "c-bin-file", "e-bun", 6);
  rss("peak memory of a binary secret-store hit", "s-bin-hit", "e-bun");
  rss("peak memory of a Node hit", "c-node-file", "e-node");
  rss("peak memory of a Node secret-store hit", "s-node-hit", "e-node");
  return results;
}
