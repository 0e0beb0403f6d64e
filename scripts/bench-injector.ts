// `npm run bench:injector`: kcc-injector on big kubeconfigs — 50 to 1,000 exec users, and a 5 MB file
// with one exec user — for -i, -i -r and --diff, each run as its own process under GNU time for the
// peak memory (else wall time only). Checks along the way that restore gives the original bytes back.
// Knobs: BENCH_INJECTOR_USERS (comma-separated counts), BENCH_INJECTOR_MB, BENCH_INJECTOR_TIMEOUT (s),
// BENCH_INJECTOR_BIN (another build of kcc-injector.cjs, e.g. an older one to compare with). A second
// table compares our unified diff with the `diff` package's on the same texts, a third the lines that
// splicing and yaml's Document API change on the test fixtures.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTwoFilesPatch } from "diff";
import { injectKubeconfig } from "../src/core/kubeconfig/edits.js";
import { diffLines, splitLines, unifiedDiff } from "../src/core/kubeconfig/unified-diff.js";
import { injectWithDocumentApi } from "./bench/document-api-injection.js";
import { bigFileOneExecUser, manyExecUsers } from "./bench/kubeconfig-scale.js";

const counts = (process.env["BENCH_INJECTOR_USERS"] ?? "50,100,200,400,1000").split(",").map(Number);
const megabytes = Number(process.env["BENCH_INJECTOR_MB"] ?? "5");
const timeoutSeconds = Number(process.env["BENCH_INJECTOR_TIMEOUT"] ?? "120");
const injector = resolve(process.env["BENCH_INJECTOR_BIN"] ?? "dist/kcc-injector.cjs");
const gnuTime = ["/usr/bin/time", "/usr/local/bin/time"].find((path) => existsSync(path));

interface Run {
  /** Wall time; undefined when the run timed out, or was not made because -i did not finish. */
  readonly seconds: number | undefined;
  readonly peakMiB: number | undefined;
  /** User + system CPU time: on a shared machine, wall time also counts the wait for a core. */
  readonly cpuSeconds: number | undefined;
  readonly skipped?: true;
}

function measure(dir: string, args: readonly string[]): Run {
  const report = join(dir, "time.txt");
  const argv =
    gnuTime === undefined
      ? ["node", injector, ...args]
      : [gnuTime, "-f", "%M %U %S", "-o", report, "node", injector, ...args];
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0] ?? "node", argv.slice(1), {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: timeoutSeconds * 1000,
    env: { ...process.env, KUBECONFIG: "" },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.error !== undefined || result.signal !== null) {
    return { seconds: undefined, peakMiB: undefined, cpuSeconds: undefined };
  }
  if (result.status !== 0) throw new Error(`kcc-injector ${args.join(" ")}: ${String(result.stderr)}`);
  const [kib, user, system] = (
    gnuTime === undefined ? "" : (readFileSync(report, "utf8").trim().split("\n").pop() ?? "")
  )
    .split(" ")
    .map(Number);
  const cpu = (user ?? NaN) + (system ?? NaN);
  return {
    seconds,
    peakMiB: kib !== undefined && Number.isFinite(kib) ? kib / 1024 : undefined,
    cpuSeconds: Number.isFinite(cpu) ? cpu : undefined,
  };
}

function row(label: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kcc-bench-injector-"));
  try {
    const file = join(dir, "config");
    writeFileSync(file, source, { mode: 0o600 });
    const diff = measure(dir, ["--diff", file]);
    const inject = measure(dir, ["-i", file]);
    const restore: Run =
      inject.seconds === undefined
        ? { seconds: undefined, peakMiB: undefined, cpuSeconds: undefined, skipped: true }
        : measure(dir, ["-i", "-r", file]);
    if (restore.seconds !== undefined && readFileSync(file, "utf8") !== source) {
      throw new Error(`${label}: restore did not give the original bytes back`);
    }
    const cells = [inject, restore, diff].flatMap(({ seconds, peakMiB, cpuSeconds, skipped }) => [
      skipped === true ? "–" : seconds === undefined ? `> ${timeoutSeconds} s` : `${seconds.toFixed(2)} s`,
      cpuSeconds === undefined ? "–" : `${cpuSeconds.toFixed(2)} s`,
      peakMiB === undefined ? "–" : `${peakMiB.toFixed(0)} MiB`,
    ]);
    return `| ${label} | ${(source.length / 1e6).toFixed(2)} MB | ${cells.join(" | ")} |`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(injector)) throw new Error("dist/kcc-injector.cjs is missing: run `npm run build` first");
console.log("| kubeconfig | size | -i | cpu | peak | -i -r | cpu | peak | --diff | cpu | peak |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const users of counts) console.log(row(`${users} exec users`, manyExecUsers(users)));
console.log(row(`1 exec user, ${megabytes} MB`, bigFileOneExecUser(megabytes * 1e6)));

// src/core/kubeconfig/unified-diff.ts is hand-written where the `diff` package (jsdiff) does the same
// job: this table is why. Both diff the same injection in this process; jsdiff's plain Myers search
// grows with the square of the changed lines, ours cuts the texts apart at lines both hold once first.
function inProcessMs(run: () => string): { ms: number; bytes: number } {
  const started = process.hrtime.bigint();
  const text = run();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: text.length };
}
console.log("");
console.log("| --diff text of an injection, in process | ours | the diff package |");
console.log("|---|---|---|");
for (const [label, source] of [
  ...counts.map((users) => [`${users} exec users`, manyExecUsers(users)] as const),
  [`1 exec user, ${megabytes} MB`, bigFileOneExecUser(megabytes * 1e6)] as const,
]) {
  const after = injectKubeconfig(source, {
    label: "config",
    injectionCommand: "kcc-cache",
    users: undefined,
    baseDirectory: tmpdir(),
  }).text;
  const ours = inProcessMs(() => unifiedDiff(source, after, "config", "config (injected)"));
  const jsdiff = inProcessMs(() => createTwoFilesPatch("config", "config (injected)", source, after, "", ""));
  console.log(`| ${label} | ${ours.ms.toFixed(0)} ms | ${jsdiff.ms.toFixed(0)} ms |`);
}

// Why edits.ts splices the source instead of printing an edited document: lines changed by the same
// injection, on the test fixtures (the Document API also rewrites comments, quoting and layout).
const changedLines = (before: string, after: string): number =>
  diffLines(splitLines(before), splitLines(after)).filter((edit) => edit.kind !== "=").length;
const fixtures = resolve("test", "fixtures", "kubeconfig");
console.log("");
console.log("| kubeconfig fixture | lines changed by splicing | by yaml's Document API |");
console.log("|---|---|---|");
for (const file of readdirSync(fixtures).sort()) {
  const source = readFileSync(join(fixtures, file), "utf8");
  const options = { label: file, injectionCommand: "kcc-cache", users: undefined, baseDirectory: "/k" };
  const spliced = changedLines(source, injectKubeconfig(source, options).text);
  console.log(`| ${file} | ${spliced} | ${changedLines(source, injectWithDocumentApi(source))} |`);
}
