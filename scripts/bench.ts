// `npm run bench`: one hyperfine run comparing, as ratios, a kcc-cache hit (file store, and the OS
// secret store where gnome-keyring is installed) with the plugin run directly (`aws eks get-token`,
// fake keys, offline) and with Node's empty start-up. Ratios within one run are what to compare:
// absolute times on shared machines are noisy. The test suite's sandbox and private keyring are
// reused, so the bench never touches your own cache, AWS keys or keyring.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createSandbox } from "../test/e2e/support/sandbox.js";
import { startSecretService, type RunningSecretService } from "../test/e2e/support/secret-service.js";

const runs = process.env["BENCH_RUNS"] ?? "30";
const kcc = resolve("dist/kcc-cache.cjs");
const plugin = "aws eks get-token --cluster-name bench --region us-east-1";

// Each command runs as its own child of a shell (`; :` keeps the shell from exec'ing it), as kubectl
// runs each plugin call from a new process: kcc-cache takes one parent asking again for a still-valid
// credential as client-go's retry after a 401 (src/core/rejection.ts). hyperfine subtracts the shell.
const cases: [name: string, command: string][] = [
  ["node empty start-up", `node -e ''; :`],
  ["kcc-cache hit (file store)", `node ${kcc} ${plugin}; :`],
  ["aws eks get-token (no cache)", `${plugin}; :`],
];

async function main(): Promise<void> {
  if (spawnSync("hyperfine", ["--version"]).error) {
    throw new Error("hyperfine is not installed (Debian: apt-get install hyperfine)");
  }
  const sandbox = createSandbox();
  let keyring: RunningSecretService | undefined;
  try {
    const env: Record<string, string> = {
      ...sandbox.env,
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1beta1",
        spec: { interactive: false },
      }),
    };
    keyring = await startKeyring(sandbox);
    if (keyring !== undefined) {
      env["DBUS_SESSION_BUS_ADDRESS"] = keyring.busAddress;
      cases.push([
        "kcc-cache hit (keyring)",
        `KUBE_CREDENTIAL_CACHE_BACKEND=keyring node ${kcc} ${plugin}; :`,
      ]);
    }
    // Fill both caches, so every timed kcc-cache run is a hit.
    for (const backend of keyring === undefined ? ["file"] : ["file", "keyring"]) {
      execFileSync("node", [kcc, ...plugin.split(" ")], {
        env: { ...env, KUBE_CREDENTIAL_CACHE_BACKEND: backend },
        stdio: ["ignore", "ignore", "inherit"],
      });
    }
    const json = join(sandbox.dir, "bench.json");
    const args = ["--warmup", "3", "--runs", runs, "--export-json", json];
    for (const [name, command] of cases) args.push("-n", name, command);
    execFileSync("hyperfine", args, { env, stdio: "inherit" });
    report(JSON.parse(readFileSync(json, "utf8")) as { results: { command: string; mean: number }[] });
  } finally {
    await keyring?.stop();
    sandbox.cleanup();
  }
}

async function startKeyring(
  sandbox: ReturnType<typeof createSandbox>,
): Promise<RunningSecretService | undefined> {
  const tools = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon"];
  if (tools.some((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)) {
    console.error("bench: no gnome-keyring/dbus here; skipping the keyring hit");
    return undefined;
  }
  return startSecretService(sandbox);
}

function report({ results }: { results: { command: string; mean: number }[] }): void {
  const mean = (name: string): number =>
    (results.find((result) => result.command === name)?.mean ?? NaN) * 1000;
  const [empty, hit, direct] = cases.map(([name]) => mean(name));
  if (empty === undefined || hit === undefined || direct === undefined) return;
  const extraCa = process.env["NODE_EXTRA_CA_CERTS"];
  console.log(`\nNODE_EXTRA_CA_CERTS ${extraCa ? "is set (slows every Node start)" : "is unset"}`);
  for (const [name] of cases) {
    console.log(
      `${name.padEnd(30)} ${mean(name).toFixed(1).padStart(8)} ms  ${(mean(name) / hit).toFixed(2)}x the hit`,
    );
  }
  console.log(`\nhit vs plugin: ${(direct / hit).toFixed(1)}x faster`);
  console.log(`hit vs empty start-up: +${(hit - empty).toFixed(1)} ms (${(hit / empty).toFixed(2)}x)`);
}

void main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
