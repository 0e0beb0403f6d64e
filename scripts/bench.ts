// `npm run bench`: the original's benchmark table, reproduced in one hyperfine run as ratios — kubectl
// with a static token (the floor), with a slow scripted plugin and with `aws eks get-token`, each
// direct and through kcc-cache (Node and, once built, the standalone binary); the credential step
// alone; the runtimes' empty programs; the Go original beside us when KCC_BENCH_REFERENCE names it;
// peak memory. Writes bench/results.md and bench/results.svg (BENCH_OUT to change the directory).
// The test suite's sandbox and private keyring are reused: the bench never touches your own cache,
// AWS keys, keyring or kubeconfig. Knobs: BENCH_RUNS, KCC_BENCH_KUBECTL, KCC_BENCH_DISPATCHER,
// KCC_BENCH_REFERENCE, KCC_BENCH_BINARY, BENCH_SESSION_SECONDS (the session row, per mode; 0 leaves it out).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { renderChart } from "./bench/chart.js";
import { runHyperfine } from "./bench/hyperfine.js";
import { describeMachine } from "./bench/machine.js";
import { describeProbe, peakMemory, readFromDisk } from "./bench/memory.js";
import { renderMarkdown, renderTargets } from "./bench/report.js";
import { prepare } from "./bench/prepare.js";
import { buildRows, type Programs } from "./bench/rows.js";
import { evaluateSessionTarget, runSessions, sessionSeconds } from "./bench/session.js";
import { evaluateTargets } from "./bench/targets.js";
import {
  freshCopy,
  findBinary,
  embeddedRuntime,
  findBun,
  findDispatcher,
  findKubectl,
  findMemoryProbe,
  findReference,
  requireTimingTools,
  wholeNumberKnob,
} from "./bench/tools.js";
import {
  compileEmptyBun,
  startWorld,
  writeCrowdedCache,
  writeCrowdedKeyring,
  writeHashProbes,
} from "./bench/world.js";

const outDir = resolve(process.env["BENCH_OUT"] ?? "bench");

async function main(): Promise<void> {
  const runs = wholeNumberKnob("BENCH_RUNS", 20, 2);
  requireTimingTools();
  const kccNode = resolve("dist/kcc-cache.cjs");
  if (!existsSync(kccNode)) throw new Error("dist/kcc-cache.cjs is missing: run `npm run build` first");
  const skipped: string[] = [];
  const kubectl = findKubectl();
  if (kubectl === undefined) skipped.push("kubectl rows: no kubectl (set KCC_BENCH_KUBECTL)");
  const dispatcher = findDispatcher();
  if (dispatcher === undefined) skipped.push("gcloud's dispatcher: KCC_BENCH_DISPATCHER not set");
  const reference = findReference();
  if (reference === undefined) skipped.push("the Go original: KCC_BENCH_REFERENCE not set");
  const builtBinary = findBinary();
  if (builtBinary === undefined)
    skipped.push("binary rows: no dist/bin binary for this platform (npm run build:bin)");
  const bun = findBun();
  if (bun === undefined) skipped.push("empty bun binary: bun is not installed");

  const world = await startWorld();
  try {
    if (world.keyring === undefined) skipped.push("secret store rows: no gnome-keyring/D-Bus here");
    const scratch = join(world.sandbox.dir, "bench");
    mkdirSync(scratch);
    const kccBinary = builtBinary === undefined ? undefined : freshCopy(builtBinary, scratch, "kcc-cache");
    const programs: Programs = {
      node: process.execPath,
      kccNode,
      kccBinary,
      reference:
        reference === undefined ? undefined : freshCopy(reference, join(scratch, "go"), basename(reference)),
      kubectl,
      dispatcher,
      emptyBun: bun === undefined ? undefined : compileEmptyBun(bun, scratch, embeddedRuntime(bun)),
      extraCa: (process.env["NODE_EXTRA_CA_CERTS"] ?? "") !== "",
      hashProbes: writeHashProbes(scratch),
      crowdedCache: writeCrowdedCache(scratch, 10_000),
      ...(world.keyring === undefined
        ? {}
        : { crowdedKeyring: await writeCrowdedKeyring(scratch, world.env, 1_000) }),
    };
    const rows = await prepare(buildRows(world, programs), world.env, skipped);

    const timings = await runHyperfine(rows, { runs, json: join(scratch, "hyperfine.json"), env: world.env });

    const seconds = sessionSeconds();
    const sessionKcc = kccBinary === undefined ? [process.execPath, kccNode] : [kccBinary];
    const sessions = seconds === 0 ? [] : await runSessions(world, sessionKcc, seconds);
    if (seconds === 0) skipped.push("session row: BENCH_SESSION_SECONDS=0");

    const probe = findMemoryProbe();
    const memory = new Map<string, number>();
    let fromDisk = true;
    if (probe === undefined) skipped.push("peak memory: neither GNU time nor python3 is installed");
    else {
      for (const row of rows) {
        if (row.memory !== undefined) {
          fromDisk &&= readFromDisk(row.memory, world.env);
          memory.set(row.id, peakMemory(probe, row.memory, world.env, join(scratch, "rss")));
        }
      }
    }

    const machine = describeMachine({ bun, kubectl });
    const targets = [...evaluateTargets(timings, memory), evaluateSessionTarget(sessions)];
    const results = {
      rows,
      timings,
      memory,
      memoryProbe:
        probe === undefined
          ? undefined
          : `${describeProbe(probe)}, ${fromDisk ? "each program's files dropped from the page cache and read back once first (as after a reboot)" : "the page cache as it was (it could not be dropped here)"}`,
      targets,
      machine,
      runs,
      skipped,
      session: {
        results: sessions,
        seconds,
        kcc: kccBinary === undefined ? "kcc-cache (Node)" : "kcc-cache (binary)",
      },
    };
    mkdirSync(outDir, { recursive: true });
    // Formatted as the repository's formatter would, so the committed table passes its check.
    const prettier = await import("prettier");
    const mdFile = join(outDir, "results.md");
    const style = (await prettier.resolveConfig(mdFile)) ?? {};
    writeFileSync(mdFile, await prettier.format(renderMarkdown(results), { ...style, parser: "markdown" }));
    const caption = `${machine.cores} cores, ${machine.cpu}; Node ${machine.node}; NODE_EXTRA_CA_CERTS ${machine.extraCa ? "set" : "unset"}; ${machine.date}`;
    writeFileSync(join(outDir, "results.svg"), renderChart(rows, timings, caption));
    console.log(`\nTargets (ratios within this run):\n${renderTargets(targets)}`);
    console.log(`\nWrote ${join(outDir, "results.md")} and ${join(outDir, "results.svg")}`);
    for (const reason of skipped) console.log(`left out: ${reason}`);
  } finally {
    await world.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
