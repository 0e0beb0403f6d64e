// Finding the programs the bench compares, by variable or on PATH: never by this machine's install paths.
import { spawnSync } from "node:child_process";
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, realpathSync } from "node:fs";
import { arch, platform } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { BIN_TARGETS } from "../bin-targets.mjs";
import { buildCacheDir, cachedRuntimeFile } from "../build-cache.mjs";

/** What every timed bench run needs: hyperfine, and aws, the plugin whose credential the hits serve. */
export function requireTimingTools(): void {
  if (onPath("hyperfine") === undefined)
    throw new Error("hyperfine is not installed (Debian: apt-get install hyperfine)");
  if (onPath("aws") === undefined) throw new Error("the AWS CLI (`aws`) is not on PATH");
}

/** A whole-number knob from the environment (`BENCH_RUNS`, …): `fallback` where it is unset. */
export function wholeNumberKnob(name: string, fallback: number, least: number): number {
  const value = Number(process.env[name] ?? String(fallback));
  if (!Number.isInteger(value) || value < least) throw new Error(`${name} must be a whole number ≥ ${least}`);
  return value;
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A path from a variable: unset means "not asked for"; set to something unusable is an error. */
function fromVariable(name: string): string | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const path = value.includes("/") ? resolve(value) : onPath(value);
  if (path === undefined || !isExecutable(path)) throw new Error(`${name}=${value} is not an executable`);
  return path;
}

/**
 * kubectl for the kubectl rows: one that runs the plugin once per call. gcloud's `kubectl` is a
 * dispatcher that runs client-go twice per call (once to read the server version, then in the
 * versioned binary it execs), so a plain `kubectl` on PATH that is gcloud's is swapped for the
 * `kubectl.1.33` lying beside it.
 */
export function findKubectl(): string | undefined {
  const chosen = fromVariable("KCC_BENCH_KUBECTL") ?? onPath("kubectl.1.33");
  if (chosen !== undefined) return chosen;
  const plain = onPath("kubectl");
  if (plain === undefined) return undefined;
  const beside = join(dirname(realpathSync(plain)), "kubectl.1.33");
  return isExecutable(beside) ? beside : plain;
}

export const findDispatcher = (): string | undefined => fromVariable("KCC_BENCH_DISPATCHER");
export const findReference = (): string | undefined => fromVariable("KCC_BENCH_REFERENCE");

/** Our standalone binary for this platform, when `npm run build:bin` has made it (timed as a fresh copy: see freshCopy). */
export function findBinary(): string | undefined {
  const variable = fromVariable("KCC_BENCH_BINARY");
  if (variable !== undefined) return variable;
  const os = platform() === "win32" ? "windows" : platform();
  const path = resolve(`dist/bin/kube-credential-cache-${os}-${arch()}${os === "windows" ? ".exe" : ""}`);
  return existsSync(path) ? path : undefined;
}

/**
 * A copy of `binary`, written now into `dir` under `name`. Every binary the bench times is one, as the
 * empty bun program it compiles is: where a 100 MB binary sits in the page cache (just written, or read
 * back long after it was dropped) moves its hit time by several milliseconds, so the programs compared
 * must be in the same state (docs/performance.md). `name`: the binary is both commands, chosen by the
 * name it is started under, so ours is copied as kcc-cache.
 */
export function freshCopy(binary: string, dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, name);
  copyFileSync(binary, copy);
  chmodSync(copy, 0o755);
  return copy;
}

export function findBun(): string | undefined {
  const local = resolve("node_modules/.bin/bun");
  return isExecutable(local) ? local : onPath("bun");
}

/** A bun runtime to compile on: bun's name for its platform, and the runtime's file. */
export interface EmbeddedRuntime {
  readonly target: string;
  readonly path: string;
}

/**
 * The bun runtime that build:bin embeds in this platform's binary, where it is not the bun that runs
 * the build: the linux-x64 binary embeds bun's baseline build, and npm installs bun's AVX2 build on a
 * CPU that has it. The empty bun program is compiled on it, so that "over an empty bun binary"
 * compares one runtime with itself. Taken from build:bin's cache (scripts/build-bin.mjs fetches it
 * there); undefined on other platforms, or where the cache does not hold it.
 */
export function embeddedRuntime(bun: string): EmbeddedRuntime | undefined {
  if (platform() !== "linux" || arch() !== "x64") return undefined;
  const target = BIN_TARGETS.find(({ name }) => name === "linux-x64");
  if (target === undefined) return undefined;
  const path = cachedRuntimeFile(buildCacheDir(resolve(".")), target.runtime, versionOf(bun));
  return isExecutable(path) ? { target: target.bun, path } : undefined;
}

/** How to read a command's peak memory: GNU time where installed, else Python's getrusage. */
export type MemoryProbe = { kind: "gnu-time"; path: string } | { kind: "python"; path: string };

export function findMemoryProbe(): MemoryProbe | undefined {
  const time = onPath("time");
  if (time !== undefined && /GNU/.test(versionOf(time, ["--version"])))
    return { kind: "gnu-time", path: time };
  const python = onPath("python3");
  return python === undefined ? undefined : { kind: "python", path: python };
}

export function versionOf(path: string, args: string[] = ["--version"]): string {
  const result = spawnSync(path, args, { encoding: "utf8", timeout: 20_000 });
  return `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n")[0] ?? "";
}
