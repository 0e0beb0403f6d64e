// `npm run bench`: one hyperfine run comparing, as ratios, a kcc-cache hit (file store) with the
// plugin run directly (`aws eks get-token`, fake keys, offline) and with Node's empty start-up.
// Ratios within one run are what to compare: absolute times on shared machines are noisy.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

// The keyring hit, against a private D-Bus session and an unlocked gnome-keyring (when installed).
const keyring = startKeyring();
if (keyring !== undefined) {
  env.DBUS_SESSION_BUS_ADDRESS = keyring.address;
  cases.push(["kcc-cache hit (keyring)", `KUBE_CREDENTIAL_CACHE_BACKEND=keyring node ${kcc} ${plugin}; :`]);
}

try {
  if (spawnSync("hyperfine", ["--version"]).error) {
    console.error("bench: hyperfine is not installed (Debian: apt-get install hyperfine)");
    process.exit(1);
  }
  execFileSync("node", [kcc, ...plugin.split(" ")], { env, stdio: ["ignore", "ignore", "inherit"] }); // fill the cache
  if (keyring !== undefined) {
    const keyringEnv = { ...env, KUBE_CREDENTIAL_CACHE_BACKEND: "keyring" };
    execFileSync("node", [kcc, ...plugin.split(" ")], {
      env: keyringEnv,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
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
  keyring?.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** dbus-daemon + gnome-keyring-daemon for this run only (stopped in `finally`), or undefined if missing. */
function startKeyring() {
  const tools = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon"];
  if (tools.some((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0)) {
    console.error("bench: no gnome-keyring/dbus here; skipping the keyring hit");
    return undefined;
  }
  const runtimeDir = join(dir, "run");
  mkdirSync(runtimeDir, { mode: 0o700 });
  const config = join(dir, "bus.conf");
  // The same private session bus as test/e2e/support/secret-service.ts (gnome-keyring needs this policy).
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=${join(dir, "bus")}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
  );
  const bus = spawn("dbus-daemon", [`--config-file=${config}`, "--nofork"], { stdio: "ignore" });
  const address = `unix:path=${join(dir, "bus")}`;
  const daemonEnv = { ...env, XDG_RUNTIME_DIR: runtimeDir, DBUS_SESSION_BUS_ADDRESS: address };
  const owned = () =>
    spawnSync(
      "dbus-send",
      [
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        "string:org.freedesktop.secrets",
      ],
      { env: daemonEnv, encoding: "utf8" },
    ).stdout?.includes("boolean true");
  // The unlock password comes from a file: a pipe would not be flushed while this loop waits synchronously.
  const password = join(dir, "keyring-password");
  writeFileSync(password, "kcc-bench-password", { mode: 0o600 });
  const daemon = spawn("gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], {
    env: daemonEnv,
    stdio: [openSync(password, "r"), "ignore", "ignore"],
  });
  const deadline = Date.now() + 10_000;
  while (!owned()) {
    if (Date.now() > deadline) {
      daemon.kill("SIGTERM");
      bus.kill("SIGTERM");
      console.error("bench: gnome-keyring did not start; skipping the keyring hit");
      return undefined;
    }
    spawnSync("sleep", ["0.05"]);
  }
  env.XDG_RUNTIME_DIR = runtimeDir;
  return {
    address,
    stop() {
      daemon.kill("SIGTERM");
      bus.kill("SIGTERM");
    },
  };
}
