import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { shq } from "../../e2e/support/fake-plugin.js";
import type { Sandbox } from "../../e2e/support/sandbox.js";

export interface StressPlugin {
  readonly key: number;
  readonly path: string;
  runs(): number;
}

export interface StressPluginOptions {
  /** Seconds from each run to the expiry it prints: short, so that the load keeps refreshing. */
  readonly ttlSeconds: number;
  /** Percent of runs that fail (exit 3 with a message) and that are slow (up to 0.9 s). */
  readonly failPercent: number;
  readonly slowPercent: number;
  readonly seed: number;
}

export const PLUGIN_FAILURE = "stress plugin: simulated failure";

/**
 * Key `key`'s plugin: a /bin/sh script whose every token names its key (`key<k>-token-<run>`), so a
 * credential served under the wrong key shows. Which runs fail or dawdle follows from the run number
 * and the seed. The expiry is whole seconds, as `aws eks get-token` prints it.
 */
export function writeStressPlugin(sandbox: Sandbox, key: number, options: StressPluginOptions): StressPlugin {
  const state = join(sandbox.dir, "plugins", `stress-key-${key}`);
  mkdirSync(state, { recursive: true });
  const runs = join(state, "runs");
  const body = [
    "#!/bin/sh",
    `runs=${shq(runs)}`,
    'printf "%s\\n" "$$" >> "$runs"',
    `n=$(wc -l < "$runs" | tr -d ' ')`,
    `r=$(( (n * 7919 + ${options.seed % 100_000} + ${key} * 104729) % 100 ))`,
    `if [ "$r" -lt ${options.failPercent} ]; then`,
    `  echo ${shq(PLUGIN_FAILURE)} "(key ${key}, run $n)" >&2`,
    "  exit 3",
    "fi",
    `if [ "$r" -lt ${options.failPercent + options.slowPercent} ]; then sleep "0.$(( r % 9 + 1 ))"; fi`,
    `expiry=$(date -u -d "@$(( $(date +%s) + ${options.ttlSeconds} ))" +%Y-%m-%dT%H:%M:%SZ)`,
    `printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"%s","token":"key${key}-token-%s"}}\\n' "$expiry" "$n"`,
    "",
  ].join("\n");
  const path = sandbox.writeScript(`stress-key-${key}`, body);
  return {
    key,
    path,
    runs: () => {
      try {
        return readFileSync(runs, "utf8").split("\n").filter(Boolean).length;
      } catch {
        return 0;
      }
    },
  };
}

/** The key a cache key or a token belongs to, by the plugin it names. */
export function keyNamedIn(text: string): number | undefined {
  const match = /stress-key-(\d+)/.exec(text);
  return match === null ? undefined : Number(match[1]);
}
