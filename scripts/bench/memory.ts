// Peak memory (max RSS) of a command, outside hyperfine, which does not report it.
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync, statSync } from "node:fs";
import type { MemoryProbe } from "./tools.js";

const PYTHON_PROBE = [
  "import resource, subprocess, sys",
  "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)",
  "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
].join("\n");

export const describeProbe = (probe: MemoryProbe): string =>
  probe.kind === "gnu-time" ? "GNU time (`time -f %M`)" : "Python's getrusage(RUSAGE_CHILDREN).ru_maxrss";

/**
 * Drops the files of a command (the program, followed through links, and every file among its
 * arguments) from the page cache, and runs it once unmeasured: every program is then measured as
 * read from disk, whoever wrote it last. Peak RSS counts the pages of its own file a program maps,
 * and a file just written (a binary build:bin or this bench made minutes ago) maps more of itself
 * than one read from disk: an empty bun binary 23.4 against 19.1 MiB (docs/performance.md). False
 * where that cannot be done here (no `sync` and GNU `dd` taking `iflag=nocache`).
 */
export function readFromDisk(argv: readonly string[], env: Record<string, string>): boolean {
  let dropped = true;
  for (const word of argv) {
    let file: string;
    try {
      file = realpathSync(word);
      if (!statSync(file).isFile()) continue;
    } catch {
      continue; // not a file: an option, a URL, a word
    }
    // Only clean pages can be dropped: what was just written is flushed first.
    const flushed = spawnSync("sync", [file], { stdio: "ignore" }).status === 0;
    const drop = spawnSync("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"], {
      stdio: "ignore",
    });
    dropped &&= flushed && drop.status === 0;
  }
  spawnSync(argv[0] ?? "", argv.slice(1), { env, stdio: "ignore" });
  return dropped;
}

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
  return median(values);
}

/** The middle value (the upper one of an even count), as every memory figure of the bench is read. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
