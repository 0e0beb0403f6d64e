// `npm run bench:compare -- [label=]binary…`: standalone binaries side by side on a file-store hit and,
// where gnome-keyring runs, a keyring hit, as kubectl makes them: in the bench's world (its sandbox,
// private keyring and exec info), each binary a fresh copy, the empty bun program beside them. Time
// is one hyperfine run per store; peak memory the median of runs interleaved across the programs, each
// program dropped from the page cache and run once first, as `npm run bench` treats its own
// (docs/performance.md). For judging a build against the one before it, or an older release: the
// first binary named writes the entry the others read. Knobs: BENCH_RUNS (calls per program, 100),
// BENCH_SAMPLES (memory runs per program, 15).
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { runHyperfine, type Timing } from "./bench/hyperfine.js";
import { describeProbe, median, peakMemory, readFromDisk } from "./bench/memory.js";
import { prepare } from "./bench/prepare.js";
import { inShell, words, type Row } from "./bench/rows.js";
import {
  embeddedRuntime,
  findBun,
  findMemoryProbe,
  freshCopy,
  requireTimingTools,
  wholeNumberKnob,
  type MemoryProbe,
} from "./bench/tools.js";
import { AWS_PLUGIN, compileEmptyBun, startWorld } from "./bench/world.js";

interface Program {
  readonly row: Row;
  /** What peak memory is read from (the row's command without its shell). */
  readonly argv: readonly string[];
}

/** `label=path` or a path, which is then its own label. */
function parseBinaries(args: readonly string[]): { label: string; path: string }[] {
  if (args.length === 0) throw new Error("name at least one standalone binary: [label=]path…");
  const binaries = args.map((arg) => {
    const at = arg.indexOf("=");
    const [label, path] = at > 0 ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, arg];
    if (!existsSync(path)) throw new Error(`${path}: no such file`);
    return { label, path: resolve(path) };
  });
  if (new Set(binaries.map(({ label }) => label)).size !== binaries.length) {
    throw new Error("two binaries have the same label: name them label=path");
  }
  return binaries;
}

async function main(): Promise<void> {
  const runs = wholeNumberKnob("BENCH_RUNS", 100, 2);
  const samples = wholeNumberKnob("BENCH_SAMPLES", 15, 1);
  const binaries = parseBinaries(process.argv.slice(2));
  requireTimingTools();
  const bun = findBun();
  if (bun === undefined) throw new Error("bun is not installed: run npm ci");
  const probe = findMemoryProbe();
  if (probe === undefined)
    throw new Error("neither GNU time nor python3 is installed: peak memory cannot be read");

  const world = await startWorld();
  try {
    const scratch = join(world.sandbox.dir, "compare");
    mkdirSync(scratch);
    const empty = compileEmptyBun(bun, scratch, embeddedRuntime(bun));
    if (empty === undefined) throw new Error("could not compile the empty bun program");
    const programs: Program[] = [
      {
        row: {
          id: "empty",
          name: "empty bun program",
          section: "credential",
          command: inShell(words([empty])),
        },
        argv: [empty],
      },
      ...binaries.map(({ label, path }, index): Program => {
        const argv = [freshCopy(path, join(scratch, `binary-${index}`), "kcc-cache"), ...AWS_PLUGIN];
        const row: Row = {
          id: `binary-${index}`,
          name: label,
          section: "credential",
          baseline: "empty",
          cached: true,
          command: inShell(words(argv)),
        };
        return { row, argv };
      }),
    ];
    const stores: [string, Record<string, string>][] = [["file store", world.env]];
    if (world.keyring === undefined) console.log("left out: the secret store (no gnome-keyring/D-Bus here)");
    else stores.push(["secret store", { ...world.env, KUBE_CREDENTIAL_CACHE_BACKEND: "keyring" }]);

    const tables: string[] = [];
    for (const [store, env] of stores) {
      const skipped: string[] = [];
      const kept = await prepare(
        programs.map(({ row }) => row),
        env,
        skipped,
      );
      for (const reason of skipped) console.log(`left out (${store}): ${reason}`);
      const measured = programs.filter(({ row }) => kept.includes(row));
      const timings = await runHyperfine(kept, { runs, json: join(scratch, "hyperfine.json"), env });
      tables.push(
        renderTable(store, measured, timings, interleavedPeaks(probe, measured, env, scratch, samples)),
      );
    }
    console.log(
      `\n${tables.join("\n\n")}\n\nPeak memory: ${describeProbe(probe)}, the median of ${samples} runs per program, interleaved.`,
    );
  } finally {
    await world.stop();
  }
}

/** Every program dropped from the page cache and run once, then one run of each in turn. */
function interleavedPeaks(
  probe: MemoryProbe,
  programs: readonly Program[],
  env: Record<string, string>,
  scratch: string,
  samples: number,
): Map<string, number> {
  let dropped = true;
  for (const { argv } of programs) dropped &&= readFromDisk(argv, env);
  if (!dropped)
    console.log("note: the page cache could not be dropped here; peak memory is as the files were cached");
  const runsOf = new Map<string, number[]>(programs.map(({ row }) => [row.id, []]));
  for (let sample = 0; sample < samples; sample += 1) {
    for (const { row, argv } of programs)
      runsOf.get(row.id)?.push(peakMemory(probe, argv, env, join(scratch, "rss"), 1));
  }
  return new Map([...runsOf].map(([id, values]) => [id, median(values)]));
}

const signed = (value: number): string => `${value < 0 ? "−" : "+"}${Math.abs(value).toFixed(2)}`;

function renderTable(
  store: string,
  programs: readonly Program[],
  timings: ReadonlyMap<string, Timing>,
  peaks: ReadonlyMap<string, number>,
): string {
  const floorTime = timings.get("empty")?.mean;
  const floorPeak = peaks.get("empty");
  const lines = [
    `## A hit, ${store}`,
    "",
    "| program | mean ± σ (ms) | CPU (ms) | × empty | peak memory (MiB) | over empty |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { row } of programs) {
    const time = timings.get(row.id);
    const peak = peaks.get(row.id);
    const isFloor = row.id === "empty";
    const ratio =
      isFloor || time === undefined || floorTime === undefined
        ? ""
        : `${(time.mean / floorTime).toFixed(2)}×`;
    const over = isFloor || peak === undefined || floorPeak === undefined ? "" : signed(peak - floorPeak);
    const timeCells =
      time === undefined
        ? "– | –"
        : `${time.mean.toFixed(1)} ± ${time.stddev.toFixed(1)} | ${time.cpu.toFixed(1)}`;
    lines.push(`| ${row.name} | ${timeCells} | ${ratio} | ${peak?.toFixed(2) ?? "–"} | ${over} |`);
  }
  return lines.join("\n");
}

void main().catch((error: unknown) => {
  console.error(`bench:compare: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
