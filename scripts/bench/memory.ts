// Peak memory (max RSS) of a command, outside hyperfine, which does not report it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { MemoryProbe } from "./tools.js";

const PYTHON_PROBE = [
  "import resource, subprocess, sys",
  "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)",
  "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
].join("\n");

export const describeProbe = (probe: MemoryProbe): string =>
  probe.kind === "gnu-time" ? "GNU time (`time -f %M`)" : "Python's getrusage(RUSAGE_CHILDREN).ru_maxrss";

/** Median over `samples` runs of the peak resident set size, in MiB. Each run has its own parent. */
export function peakMemory(
  probe: MemoryProbe,
  argv: readonly string[],
  env: Record<string, string>,
  scratch: string,
  samples = 5,
): number {
  const values: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const result =
      probe.kind === "gnu-time"
        ? spawnSync(probe.path, ["-f", "%M", "-o", scratch, "--", ...argv], { env, stdio: "ignore" })
        : spawnSync(probe.path, ["-c", PYTHON_PROBE, ...argv], { env, encoding: "utf8" });
    // The command's own output (a credential) is discarded: only the figure is read.
    const text = probe.kind === "gnu-time" ? readFileSync(scratch, "utf8") : String(result.stdout);
    const kib = Number(text.trim().split("\n").pop());
    if (result.status !== 0 || !Number.isFinite(kib)) {
      throw new Error(`cannot measure the memory of ${argv.join(" ")}: exit ${result.status ?? "by signal"}`);
    }
    values.push(kib / 1024);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? NaN;
}
