// `npm run bench`: one hyperfine run comparing, as ratios, a kcc-cache hit (file store) with the
// plugin run directly (`aws eks get-token`, fake keys, offline) and with Node's empty start-up.
// Ratios within one run are what to compare: absolute times on shared machines are noisy.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const runs = process.env.BENCH_RUNS ?? "30";
const kcc = resolve("dist/kcc-cache.cjs");
const dir = mkdtempSync(join(tmpdir(), "kcc-bench-"));
const home = join(dir, "home");
mkdirSync(join(home, ".aws"), { recursive: true });
writeFileSync(
  join(home, ".aws", "credentials"),
  "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
  { mode: 0o600 },
);
const env = {
  ...process.env,
  HOME: home,
  XDG_CACHE_HOME: join(home, ".cache"),
  AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
  AWS_CONFIG_FILE: join(home, ".aws", "config"),
  KUBE_CREDENTIAL_CACHE_BACKEND: "file",
  KUBERNETES_EXEC_INFO: JSON.stringify({
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1beta1",
    spec: { interactive: false },
  }),
};
delete env.KUBE_CREDENTIAL_CACHE_DEBUG;
const plugin = "aws eks get-token --cluster-name bench --region us-east-1";

// Each command runs as its own child of a shell (`; :` keeps the shell from exec'ing it), as kubectl
// runs each plugin call from a new process: kcc-cache takes one parent asking again for a still-valid
// credential as client-go's retry after a 401 (src/core/rejection.ts). hyperfine subtracts the shell.
const cases = [
  ["node empty start-up", `node -e ''; :`],
  ["kcc-cache hit (file store)", `node ${kcc} ${plugin}; :`],
  ["aws eks get-token (no cache)", `${plugin}; :`],
];

try {
  if (spawnSync("hyperfine", ["--version"]).error) {
    console.error("bench: hyperfine is not installed (Debian: apt-get install hyperfine)");
    process.exit(1);
  }
  execFileSync("node", [kcc, ...plugin.split(" ")], { env, stdio: ["ignore", "ignore", "inherit"] }); // fill the cache
  const json = join(dir, "bench.json");
  const args = ["--warmup", "3", "--runs", runs, "--export-json", json];
  for (const [name, command] of cases) args.push("-n", name, command);
  execFileSync("hyperfine", args, { env, stdio: "inherit" });
  const results = JSON.parse(readFileSync(json, "utf8")).results;
  const mean = (name) => results.find((result) => result.command === name).mean * 1000;
  const hit = mean(cases[1][0]);
  console.log(
    `\nNODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? "is set (slows every Node start)" : "is unset"}`,
  );
  for (const [name] of cases) {
    console.log(
      `${name.padEnd(30)} ${mean(name).toFixed(1).padStart(8)} ms  ${(mean(name) / hit).toFixed(2)}x the hit`,
    );
  }
  console.log(`\nhit vs plugin: ${(mean(cases[2][0]) / hit).toFixed(1)}x faster`);
  console.log(
    `hit vs empty start-up: +${(hit - mean(cases[0][0])).toFixed(1)} ms (${(hit / mean(cases[0][0])).toFixed(2)}x)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
