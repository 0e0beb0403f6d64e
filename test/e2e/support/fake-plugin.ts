import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sandbox } from "./sandbox.js";
import { waitUntil } from "./wait.js";

export interface FakePluginOptions {
  /**
   * The token printed. `{run}` becomes the run number (1, 2, …) and `{stdin}` what the plugin read on
   * stdin (keep it JSON-safe). Default: `<name>-secret-{run}`, so every run prints a different
   * credential and a test can tell which run a served credential came from.
   */
  token?: string;
  /** ISO timestamp, or "none" to omit the field. Default: one hour from when the plugin is written. */
  expirationTimestamp?: string;
  /** Default: the apiVersion in KUBERNETES_EXEC_INFO, else client.authentication.k8s.io/v1beta1, as aws does. */
  apiVersion?: string;
  /** Exit code (default 0); stdout is printed either way. */
  exitCode?: number;
  /** Printed on stderr, byte for byte. */
  stderr?: string;
  /** Printed on stdout byte for byte instead of the generated ExecCredential. */
  stdout?: string | Uint8Array;
  /** The plugin holds its run open until this file exists (after counting the run): no sleeps in tests. */
  gate?: string;
  /** Saves each run's environment (`env -0`), read back with env(n). */
  recordEnv?: boolean;
  /**
   * Credential lifetime in seconds per run (run n takes entry n-1, the last one repeats), the expiry
   * computed when the plugin runs, as a real plugin does. Overrides expirationTimestamp.
   */
  lifetimes?: readonly number[];
  /** The plugin's own latency (a real plugin takes 0.3-1 s), before it prints. Not a test wait. */
  latencyMs?: number;
  /** Records what each run's stdin is and whether it has a controlling terminal, read back with stdin(n). */
  recordStdin?: boolean;
}

export interface FakePlugin {
  readonly name: string;
  readonly path: string;
  /** How many times the plugin has started (counted before it waits on its gate). */
  runs(): number;
  /** What run `n` (1-based) printed on stdout, byte for byte. */
  output(n: number): string;
  /** The environment run `n` saw (recordEnv only). */
  env(n: number): Record<string, string>;
  /**
   * What run `n`'s stdin was (the target of fd 0) and its controlling terminal (0: none) (recordStdin
   * only; recorded after the environment, before the gate: waitForStdin(n) first).
   */
  stdin(n: number): { readonly fd0: string; readonly ttyNr: string };
  waitForStdin(n: number): Promise<void>;
  /** Resolves once the plugin has started at least `n` times. */
  waitForRuns(n: number, timeoutMs?: number): Promise<void>;
}

export const API_V1BETA1 = "client.authentication.k8s.io/v1beta1";
export const API_V1 = "client.authentication.k8s.io/v1";

/** Whole seconds, like `aws eks get-token` prints. */
export function isoIn(ms: number): string {
  return new Date(Math.floor((Date.now() + ms) / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * A counting exec plugin as a tiny /bin/sh script (a Node plugin would cost ~100 ms per run on
 * machines with NODE_EXTRA_CA_CERTS). It lives on the sandbox's PATH, so `name` works as a bare command.
 */
export function writeFakePlugin(sandbox: Sandbox, name: string, options: FakePluginOptions = {}): FakePlugin {
  const state = join(sandbox.dir, "plugins", name);
  mkdirSync(state, { recursive: true });
  const runsFile = join(state, "runs");
  const lines = [
    "#!/bin/sh",
    `# fake exec credential plugin ${name} (kcc-cache end-to-end tests)`,
    `state=${shq(state)}`,
  ];
  lines.push(`printf '%s\\n' "$$" >> "$state/runs"`, `n=$(wc -l < "$state/runs" | tr -d ' ')`);
  if (options.recordEnv === true) lines.push('env -0 > "$state/env.$n"');
  if (options.recordStdin === true) {
    lines.push(
      '{ readlink /proc/$$/fd/0 || echo unknown; sed "s/.*) //" /proc/$$/stat | cut -d" " -f5; } > "$state/stdin.$n.tmp" 2>/dev/null',
      'mv "$state/stdin.$n.tmp" "$state/stdin.$n"',
    );
  }
  if (options.gate !== undefined) {
    // Bounded, and gives up when the sandbox is gone, so an orphaned run never outlives its test.
    lines.push(
      "i=0",
      `while [ ! -e ${shq(options.gate)} ]; do`,
      '  [ -d "$state" ] || exit 70',
      "  i=$((i + 1)); [ $i -gt 12000 ] && exit 71",
      "  sleep 0.01",
      "done",
    );
  }
  const token = options.token ?? `${name}-secret-{run}`;
  if (token.includes("{stdin}")) lines.push("input=$(cat)");
  if (options.stdout !== undefined) {
    writeFileSync(join(state, "stdout"), options.stdout);
    lines.push('cp "$state/stdout" "$state/out.$n"');
  } else {
    if (options.apiVersion !== undefined) lines.push(`api=${shq(options.apiVersion)}`);
    else {
      lines.push(
        `api=$(printf '%s' "\${KUBERNETES_EXEC_INFO-}" | grep -o '"apiVersion":"[^"]*"' | head -n 1 | sed 's/^"apiVersion":"//; s/"$//')`,
        `[ -n "$api" ] || api=${API_V1BETA1}`,
      );
    }
    lines.push(`token=${tokenExpression(token)}`);
    if (options.latencyMs !== undefined) lines.push(`sleep ${(options.latencyMs / 1000).toFixed(3)}`);
    const expiry = options.expirationTimestamp ?? isoIn(3_600_000);
    let status =
      expiry === "none"
        ? `"token":"%s"`
        : `"expirationTimestamp":"${expiry.replace(/%/g, "%%")}","token":"%s"`;
    if (options.lifetimes !== undefined && options.lifetimes.length > 0) {
      const last = options.lifetimes.length;
      lines.push(
        `case $n in ${options.lifetimes.map((seconds, index) => `${index + 1 === last ? "*" : index + 1}) lt=${seconds};;`).join(" ")} esac`,
        "at=$(( $(date +%s) + lt ))",
        'exp=$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$at" +%Y-%m-%dT%H:%M:%SZ)',
      );
      status = `"expirationTimestamp":"'"$exp"'","token":"%s"`;
    }
    lines.push(
      `printf '{"kind":"ExecCredential","apiVersion":"%s","spec":{},"status":{${status}}}\\n' "$api" "$token" > "$state/out.$n"`,
    );
  }
  lines.push('cat "$state/out.$n"');
  if (options.stderr !== undefined) lines.push(`printf '%s' ${shq(options.stderr)} >&2`);
  lines.push(`exit ${options.exitCode ?? 0}`, "");
  const path = sandbox.writeScript(name, lines.join("\n"));
  const runs = (): number =>
    existsSync(runsFile) ? readFileSync(runsFile, "utf8").split("\n").filter(Boolean).length : 0;
  return {
    name,
    path,
    runs,
    output: (n) => readFileSync(join(state, `out.${n}`), "utf8"),
    env: (n) => {
      const entries = readFileSync(join(state, `env.${n}`), "utf8")
        .split("\0")
        .filter(Boolean);
      return Object.fromEntries(
        entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
      );
    },
    stdin: (n) => {
      const [fd0 = "", ttyNr = ""] = readFileSync(join(state, `stdin.${n}`), "utf8").split("\n");
      return { fd0, ttyNr };
    },
    waitForStdin: (n) =>
      waitUntil(() => existsSync(join(state, `stdin.${n}`)), `${name} run ${n} has recorded its stdin`),
    waitForRuns: (n, timeoutMs) => waitUntil(() => runs() >= n, `${name} has run ${n} time(s)`, timeoutMs),
  };
}

/**
 * A plugin that never ends by itself, as a wrapper like `sh -c 'sleep 300; aws …'` does: it starts a
 * child that holds its stdout, and both wait until the sandbox is gone (so no run outlives its test).
 * Each records its PID in the returned file. `ignoreTerm`: both ignore SIGTERM (`trap '' TERM`).
 */
export function writeHangingPlugin(sandbox: Sandbox, name: string, options: { ignoreTerm: boolean }): string {
  const state = join(sandbox.dir, "plugins", name);
  mkdirSync(state, { recursive: true });
  const pids = join(state, "hanging-pids");
  const lines = ["#!/bin/sh", `# hanging exec credential plugin ${name} (kcc-cache end-to-end tests)`];
  if (options.ignoreTerm) lines.push("trap '' TERM");
  lines.push(
    `pids=${shq(pids)}`,
    'echo $$ >> "$pids"',
    `sh -c 'echo $$ >> "$1"; while [ -d "$2" ]; do sleep 0.05; done' child "$pids" ${shq(state)}`,
    "",
  );
  sandbox.writeScript(name, lines.join("\n"));
  return pids;
}

/** Single-quotes for /bin/sh. */
export function shq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function tokenExpression(template: string): string {
  return (
    template
      .split(/(\{run\}|\{stdin\})/)
      .map((part) =>
        part === "{run}" ? '"$n"' : part === "{stdin}" ? '"$input"' : part === "" ? "" : shq(part),
      )
      .join("") || "''"
  );
}
