// The session row: what a user feels over a working session rather than per call. kcc-cache is called
// every ~0.5 s, as kubectl would be by a watch loop or an editor, over several lifetimes of a short-lived
// credential from a plugin that takes ~300 ms, once with background refresh on and once off. With it
// off, every lifetime ends in one call that waits for the plugin (p99/max show it); with it on, the
// plugin runs behind the calls and every call is a hit. Bounded by BENCH_SESSION_SECONDS per mode.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { writeFakePlugin } from "../../test/e2e/support/fake-plugin.js";
import type { World } from "./world.js";

/** Credential lifetime, refresh margin and background window: 5 s of plain hits, then the window. */
const LIFETIME_S = 12;
const MARGIN = "2s";
const WINDOW = "5s";
const INTERVAL_MS = 500;

export interface SessionResult {
  readonly mode: "on" | "off";
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** How many times the plugin ran (foreground or background). */
  readonly pluginRuns: number;
}

export function sessionSeconds(): number {
  const seconds = Number(process.env["BENCH_SESSION_SECONDS"] ?? "40");
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error("BENCH_SESSION_SECONDS must be a number ≥ 0");
  return seconds;
}

/** Both modes, one after the other; `kcc` is the command to time (the binary when built, else Node + bundle). */
export async function runSessions(
  world: World,
  kcc: readonly string[],
  seconds: number,
): Promise<SessionResult[]> {
  const results: SessionResult[] = [];
  for (const mode of ["off", "on"] as const) results.push(await runSession(world, kcc, seconds, mode));
  return results;
}

async function runSession(
  world: World,
  kcc: readonly string[],
  seconds: number,
  mode: "on" | "off",
): Promise<SessionResult> {
  const plugin = writeFakePlugin(world.sandbox, `session-plugin-${mode}`, {
    lifetimes: [LIFETIME_S],
    latencyMs: 300,
  });
  const cacheDir = join(world.sandbox.dir, `session-${mode}`, "kube-credential-cache");
  const env = {
    ...world.env,
    KUBE_CREDENTIAL_CACHE_FILE: join(cacheDir, "cache.json"),
    KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN: MARGIN,
    KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: mode === "on" ? WINDOW : "0",
  };
  // The first call fills the cache, as the first kubectl call of a day does; it is not timed.
  await timeCall([...kcc, plugin.name], env);
  const latencies: number[] = [];
  const start = performance.now();
  for (let call = 1; performance.now() - start < seconds * 1000; call += 1) {
    latencies.push(await timeCall([...kcc, plugin.name], env));
    const next = start + call * INTERVAL_MS;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await settle(join(cacheDir, "locks"));
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0;
  return {
    mode,
    calls: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? 0,
    pluginRuns: plugin.runs(),
  };
}

/** Wall time of one call, from its own `sh -c` parent as kubectl's calls are (see rows.ts). */
function timeCall(argv: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("sh", ["-c", '"$@" >/dev/null; :', "sh", ...argv], { env, stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`session call exited ${code ?? "?"}`));
      else resolve(performance.now() - started);
    });
  });
}

/** Lets a background refresh still running finish before the next mode starts (bounded). */
async function settle(locks: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  const held = (): boolean => existsSync(locks) && readdirSync(locks).some((name) => name.endsWith(".lock"));
  while (held() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

export function renderSessions(results: readonly SessionResult[], seconds: number, kcc: string): string[] {
  if (results.length === 0) return [];
  const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  return [
    "## A session: a call every 0.5 s over several credential lifetimes",
    "",
    `${kcc} called every ~${INTERVAL_MS} ms for ${seconds} s per mode; the plugin takes ~300 ms and issues ` +
      `${LIFETIME_S} s credentials; refresh margin ${MARGIN}, background window ${WINDOW}. Wall time per call, ` +
      "from its own `sh -c`.",
    "",
    "| background refresh | calls | p50 (ms) | p99 (ms) | max (ms) | plugin runs |",
    "|---|---:|---:|---:|---:|---:|",
    ...results.map(
      (result) =>
        `| ${result.mode} | ${result.calls} | ${ms(result.p50)} | ${ms(result.p99)} | ${ms(result.max)} | ${result.pluginRuns} |`,
    ),
    "",
  ];
}
