import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test, type TestContext } from "node:test";
import { run, type RunResult } from "../e2e/support/run.js";
import { kccBin, type Sandbox } from "../e2e/support/sandbox.js";
import { useSandbox, startKccCache } from "../e2e/support/kcc-cache.js";
import { requireSecretServiceTools, useSecretService } from "../e2e/support/secret-service.js";
import { waitUntil } from "../e2e/support/wait.js";
import { startChaos } from "./support/chaos.js";
import { startObserver, type Sighting } from "./support/observer.js";
import { sandboxProcesses } from "./support/processes.js";
import { seededRandom, stressNumber } from "./support/random.js";
import { PLUGIN_FAILURE, keyNamedIn, writeStressPlugin, type StressPlugin } from "./support/stress-plugin.js";

// The load, from the environment: STRESS_PROCESSES kcc-cache processes at once, STRESS_ROUNDS times,
// over STRESS_KEYS keys; STRESS_SEED replays the same choices (which key, which victim, when). Each
// call costs about 0.2 s of CPU on Node (0.25 s with NODE_EXTRA_CA_CERTS), so 100 x 20 takes well
// over 5 minutes per store on 2 cores; the default of 10 rounds keeps each store near 2-3 minutes.
// STRESS_ROUNDS=20 is the full load; .ci/run gives it to the file store on the standalone binaries,
// where a call costs a quarter of that.
const PROCESSES = stressNumber("STRESS_PROCESSES", 100);
// gnome-keyring-daemon itself has stopped answering (the bus name lost its owner) under kill -9 chaos
// in CI: once at 100 processes x 10 rounds, once at 50 x 20; kcc-cache meanwhile warned and ran the
// plugin, as it should. The secret store's load is halved by default so that the suite tests
// kcc-cache, not the daemon's limits. STRESS_KEYRING_PROCESSES=100 is the full load; 0 leaves it out.
const KEYRING_PROCESSES = stressNumber("STRESS_KEYRING_PROCESSES", Math.min(PROCESSES, 50));
const ROUNDS = stressNumber("STRESS_ROUNDS", 10);
const KEYS = stressNumber("STRESS_KEYS", 4);
const SEED = stressNumber("STRESS_SEED", 1009);

const LOCK_TIMEOUT_S = 15;
/** docs/locks.md: a lock not touched for 10 s is broken; its owner's death is seen at once on Linux. */
const STALE_BOUND_MS = 10_000;
/** A loaded 2-core machine starts 100 Node processes slowly: slack on every time bound, never on counts. */
const SLACK_MS = 20_000;
/** A miss may wait for the key's refresh lock and then for the cache file's lock, each bounded. */
const WAIT_BOUND_MS = 2 * LOCK_TIMEOUT_S * 1000 + 1000 + SLACK_MS;
const TTL_S = 34; // 4 s beyond the default 30 s refresh margin: every key is refreshed every few seconds.

interface Store {
  readonly sandbox: Sandbox;
  readonly env: Record<string, string | undefined>;
  readonly keyring: boolean;
  readonly processes: number;
  /** Whatever the store's own process (the keyring daemon) did meanwhile, for the failure message. */
  readonly aside?: () => string | undefined;
}

test(`file store under load and kill -9: ${PROCESSES} processes x ${ROUNDS} rounds over ${KEYS} keys`, async (t) => {
  const sandbox = useSandbox(t);
  await stress(t, { sandbox, env: {}, keyring: false, processes: PROCESSES });
});

test(`keyring store under load and kill -9: ${KEYRING_PROCESSES} processes x ${ROUNDS} rounds over ${KEYS} keys`, async (t) => {
  if (KEYRING_PROCESSES === 0) {
    t.skip("STRESS_KEYRING_PROCESSES=0 leaves the secret store out");
    return;
  }
  if (!requireSecretServiceTools(t)) return;
  // gnome-keyring-daemon itself sometimes crashes under this chaos (SIGTRAP, a GLib assertion; seen
  // once in seven runs of 30 processes x 3 rounds here). A run whose daemon crashed proves nothing about
  // kcc-cache either way: it is said so and run once more with a new daemon, which must pass.
  for (let attempt = 1; ; attempt += 1) {
    const world = await useSecretService(t);
    const crashed = (): string | undefined => {
      const ended = world.daemonEnded();
      return ended?.startsWith("signal") === true ? ended : undefined;
    };
    try {
      await stress(t, {
        sandbox: world.sandbox,
        env: world.env,
        keyring: true,
        processes: KEYRING_PROCESSES,
        aside: () => {
          const ended = world.daemonEnded();
          return ended === undefined ? undefined : `gnome-keyring-daemon ended during the run (${ended})`;
        },
      });
      return;
    } catch (error) {
      const crash = crashed();
      if (attempt > 1 || crash === undefined) throw error;
      console.log(
        `stress (keyring store): gnome-keyring-daemon crashed (${crash}); once more with a new one`,
      );
    }
  }
});

async function stress(t: TestContext, store: Store): Promise<void> {
  const { sandbox } = store;
  const random = seededRandom(SEED);
  const cacheDir = dirname(sandbox.cacheFile);
  const plugins = Array.from({ length: KEYS }, (_, key) =>
    writeStressPlugin(sandbox, key, { ttlSeconds: TTL_S, failPercent: 5, slowPercent: 20, seed: SEED }),
  );
  const env = {
    ...store.env,
    KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: `${LOCK_TIMEOUT_S}s`,
    KUBE_CREDENTIAL_CACHE_DEBUG: "1",
  };
  const observer = startObserver({
    jsonFiles: store.keyring ? [join(cacheDir, "keyring-index.json")] : [sandbox.cacheFile],
    ...(store.keyring ? { entriesByCommand: () => listEntries(sandbox, env) } : { entriesInFile: entriesOf }),
    leftoverDirectories: [cacheDir, join(cacheDir, "locks")],
    outliveBoundMs: STALE_BOUND_MS + SLACK_MS,
  });
  const chaos = startChaos(
    {
      binDir: sandbox.binDir,
      kccCache: kccBin("kcc-cache"),
      lockDirectories: [cacheDir, join(cacheDir, "locks")],
    },
    random,
    [20, 150],
  );
  t.after(async () => {
    // On a failed assertion too: no loop and no process of this test outlives it.
    await chaos.stop();
    await observer.stop();
  });

  const tally = new Tally();
  for (let round = 0; round < ROUNDS; round += 1) {
    const calls = Array.from({ length: store.processes }, () => {
      const plugin = plugins[random.int(0, KEYS - 1)] as StressPlugin;
      const started = Date.now();
      const call = startKccCache(sandbox, [plugin.path], { env, timeoutMs: WAIT_BOUND_MS + SLACK_MS });
      return call.result.then((result) => ({ plugin, result, wallMs: Date.now() - started }));
    });
    for (const { plugin, result, wallMs } of await Promise.all(calls)) tally.add(plugin, result, wallMs);
  }
  const { kills } = await chaos.stop();
  // Whatever the chaos left half-done (a plugin's sleep, a waiter) finishes by itself, bounded.
  await waitUntil(
    () => sandboxProcesses(sandbox.binDir, kccBin("kcc-cache")).length === 0,
    "no kcc-cache or plugin of this test is left running",
    WAIT_BOUND_MS,
  );
  const observed = await observer.stop();

  // Without chaos, every key is served (from the cache or a fresh run) and names its key.
  for (const plugin of plugins) {
    const result = await run(kccBin("kcc-cache"), [plugin.path], { env: withoutUndefined(sandbox, env) });
    tally.add(plugin, result, 0);
  }
  // A hit among those may have started a background refresh: it finishes before the sandbox goes.
  await waitUntil(
    () => sandboxProcesses(sandbox.binDir, kccBin("kcc-cache")).length === 0,
    "no background refresh of this test is left running",
    WAIT_BOUND_MS,
  );
  if (store.keyring) assert.ok(!existsSync(sandbox.cacheFile), "keyring mode: no cache file with tokens");

  const runs = plugins.reduce((sum, plugin) => sum + plugin.runs(), 0);
  console.log(
    `stress (${store.keyring ? "keyring" : "file"} store, seed ${SEED}): ${tally.calls} calls, ` +
      `${tally.hits} hits, ${tally.misses} misses, ${runs} plugin runs, ${tally.locksBroken} locks broken; ` +
      `kills ${JSON.stringify(kills)}; outcomes ${JSON.stringify(tally.outcomes)}; ` +
      `warnings ${JSON.stringify(tally.warnings)}; ${observed.reads} reads and ${observed.sightings} looks at the store; ` +
      `longest call ${tally.longestMs} ms`,
  );
  assert.deepEqual(tally.problems.slice(0, 20), [], "every call ended as it may");
  const aside = store.aside?.();
  assert.deepEqual(
    observed.violations.slice(0, 20),
    [],
    `the store's invariants held throughout${aside === undefined ? "" : `; ${aside}`}`,
  );
  assert.ok(observed.reads > 0 && observed.sightings > 0, "the store was watched");
  assert.ok(tally.hits > 0 && runs > 0, "the load both hit and refreshed");
  assert.ok(Object.keys(kills).length > 0, "the chaos killed something");
}

/** What every call ended as, and the calls that ended as they may not. */
class Tally {
  calls = 0;
  hits = 0;
  misses = 0;
  locksBroken = 0;
  longestMs = 0;
  readonly outcomes: Record<string, number> = {};
  readonly warnings: Record<string, number> = {};
  readonly problems: string[] = [];

  add(plugin: StressPlugin, result: RunResult, wallMs: number): void {
    this.calls += 1;
    this.longestMs = Math.max(this.longestMs, wallMs);
    const lines = result.stderr.split("\n");
    this.hits += lines.filter((line) => /debug: .*\bhit(-and-refresh)?:/.test(line)).length;
    this.misses += lines.filter((line) => /debug: .*\bmiss:/.test(line)).length;
    this.locksBroken += lines.filter((line) => /debug: .*breaking it/.test(line)).length;
    for (const line of lines.filter((l) => l.startsWith("kcc-cache: warning:"))) {
      const kind = line.replace(/\/\S+/g, "…").replace(/\d+/g, "N").slice(0, 100);
      this.warnings[kind] = (this.warnings[kind] ?? 0) + 1;
    }
    const outcome = this.outcome(plugin, result);
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    if (wallMs > WAIT_BOUND_MS) this.problems.push(`a call of key ${plugin.key} took ${wallMs} ms`);
  }

  private outcome(plugin: StressPlugin, result: RunResult): string {
    if (result.signal === "SIGKILL") return "killed";
    const unrelated = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("kcc-cache:") && !/^kcc-cache: (debug|warning):/.test(line));
    if (result.code === 3 && result.stderr.includes(PLUGIN_FAILURE)) return "plugin failed";
    if (result.code === 137) return "plugin killed";
    if (result.code === 0) {
      let token: unknown;
      try {
        token = (JSON.parse(result.stdout) as { status?: { token?: unknown } }).status?.token;
      } catch {
        token = undefined;
      }
      if (typeof token === "string" && token.startsWith(`key${plugin.key}-token-`)) return "served";
      this.problems.push(
        `key ${plugin.key} was served ${typeof token === "string" ? token : "no credential"}`,
      );
      return "wrong credential";
    }
    this.problems.push(
      `key ${plugin.key}: exit ${result.code ?? result.signal ?? "?"}: ${unrelated.join(" | ").slice(0, 300)}`,
    );
    return "unexpected";
  }
}

function entriesOf(text: string): Sighting {
  const document = JSON.parse(text) as { entries?: Record<string, { expiresAtMs?: number }> };
  const seen = new Map<number, number>();
  for (const [cacheKey, entry] of Object.entries(document.entries ?? {})) {
    const key = keyNamedIn(cacheKey);
    if (key !== undefined && typeof entry.expiresAtMs === "number") seen.set(key, entry.expiresAtMs);
  }
  return seen;
}

/** The keyring's entries as `kcc-cache --list --json` shows them (it never prints a token). */
async function listEntries(
  sandbox: Sandbox,
  env: Record<string, string | undefined>,
): Promise<Sighting | undefined> {
  const result = await run(kccBin("kcc-cache"), ["--list", "--json"], {
    env: withoutUndefined(sandbox, env),
  });
  if (result.code !== 0) return undefined;
  const rows = JSON.parse(result.stdout) as { key: string; expiresAt: string | null }[];
  const seen = new Map<number, number>();
  for (const row of rows) {
    const key = keyNamedIn(row.key);
    if (key !== undefined && row.expiresAt !== null) seen.set(key, Date.parse(row.expiresAt));
  }
  return seen;
}

function withoutUndefined(
  sandbox: Sandbox,
  overrides: Record<string, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...sandbox.env, ...overrides }))
    if (value !== undefined) env[name] = value;
  return env;
}
