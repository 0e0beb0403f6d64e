import { readFileSync } from "node:fs";
import type { TestContext } from "node:test";
import { API_V1BETA1 } from "./fake-plugin.js";
import { run, start, type RunOptions, type RunResult, type StartedRun } from "./run.js";
import { createSandbox, kccBin, type Sandbox } from "./sandbox.js";

/** A sandbox removed when the test ends, pass or fail. */
export function useSandbox(t: TestContext): Sandbox {
  const sandbox = createSandbox();
  t.after(() => {
    sandbox.cleanup();
  });
  return sandbox;
}

export interface CacheCall {
  /** Added to (or, with undefined values removed from) the sandbox's environment. */
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
  /** A descriptor for the command's stdout or stderr instead of a pipe (a pipe nobody reads, say). */
  stdout?: number;
  stderr?: number;
}

/**
 * Runs the installed kcc-cache as kubectl would: `kcc-cache <plugin> [args…]`, from a parent process of
 * its own. Each kubectl call is a new process; kcc-cache takes the same parent asking again for a
 * still-valid credential as client-go's retry after a 401 (src/core/cache/serve-decision.ts), so calls from this
 * one test process must not share a parent. The intermediate shell waits and passes the exit code on;
 * the `; exit $?` keeps shells that exec a lone command (bash as /bin/sh does) from skipping that step.
 */
export function kccCache(
  sandbox: Sandbox,
  argv: readonly string[],
  call: CacheCall = {},
): Promise<RunResult> {
  return run("/bin/sh", ["-c", '"$0" "$@"; exit $?', kccBin("kcc-cache"), ...argv], options(sandbox, call));
}

export function startKccCache(sandbox: Sandbox, argv: string[], call: CacheCall = {}): StartedRun {
  return start(kccBin("kcc-cache"), argv, options(sandbox, call));
}

function options(sandbox: Sandbox, call: CacheCall): RunOptions {
  const overrides = call.env ?? {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...sandbox.env, ...overrides })) {
    if (value !== undefined) env[name] = value;
  }
  return {
    env,
    ...(call.input === undefined ? {} : { input: call.input }),
    ...(call.timeoutMs === undefined ? {} : { timeoutMs: call.timeoutMs }),
    ...(call.stdout === undefined ? {} : { stdout: call.stdout }),
    ...(call.stderr === undefined ? {} : { stderr: call.stderr }),
  };
}

/** KUBERNETES_EXEC_INFO as client-go writes it (compact JSON, this key order). */
export function execInfo(
  apiVersion: string = API_V1BETA1,
  spec: { interactive?: boolean; cluster?: Record<string, unknown> } = {},
): string {
  return JSON.stringify({
    kind: "ExecCredential",
    apiVersion,
    spec: {
      ...(spec.cluster === undefined ? {} : { cluster: spec.cluster }),
      interactive: spec.interactive ?? false,
    },
  });
}

/** The cluster block client-go sends with provideClusterInfo: true. */
export function clusterInfo(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    server: "https://cluster-a.example:443",
    "certificate-authority-data": "Q0EtQQ==",
    config: null,
    ...overrides,
  };
}

/**
 * What a kcc-cache call gives back, run as a process (RunResult) or in-process (InProcessResult in
 * test/unit/support): the assertions that hold for both take this.
 */
export interface CacheResult {
  readonly code: number | null;
  /** Only a process has one. */
  readonly signal?: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * kcc-cache as a scenario shared by the end-to-end and in-process tests calls it: the installed
 * command (installedCache) or runCache (useInProcessCache), in a sandbox of its own.
 */
export interface CacheUnderTest {
  readonly sandbox: Sandbox;
  call(
    argv: readonly string[],
    options?: { readonly env?: Record<string, string | undefined> },
  ): Promise<CacheResult>;
}

export function installedCache(sandbox: Sandbox): CacheUnderTest {
  return { sandbox, call: (argv, options) => kccCache(sandbox, argv, options) };
}

export function stderrLines(result: Pick<CacheResult, "stderr">): string[] {
  return result.stderr.split("\n").filter((line) => line !== "");
}

/** The cache file as JSON (its layout is kcc-cache's own; tests only use it to damage or inspect it). */
export function readCacheJson(sandbox: Sandbox): unknown {
  return JSON.parse(readFileSync(sandbox.cacheFile, "utf8"));
}

export function assertOk(result: CacheResult, what = "kcc-cache"): void {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code ?? result.signal ?? "?"}; stderr:\n${result.stderr}`);
  }
}
