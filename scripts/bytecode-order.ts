// `npm run build:bin:order`: records which of its bytecode a binary hit reads, into
// scripts/bytecode-order/, for build:bin to lay every binary out by (docs/startup.md, "Bytecode laid
// out by a hit"). `--check` records into a scratch directory instead and fails when the functions and
// modules a hit reads differ from what is committed: the hit path changed and the profiles must be
// recorded again.
//
// A profile is taken from a linux binary built on the runtime as bun ships it (build:bin's profiling
// build: the binaries we ship ignore the profiler's variable), run as kubectl runs it, in the test
// suite's sandbox: a file-store hit, and a secret-store hit against a private gnome-keyring. A profile
// names each function by a hash of its syntax, so it applies to every target's build of the same code.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeFakePlugin } from "../test/e2e/support/fake-plugin.js";
import { createSandbox, type Sandbox } from "../test/e2e/support/sandbox.js";
import { startSecretService } from "../test/e2e/support/secret-service.js";

const root = resolve(__dirname, "..");
const committed = join(root, "scripts", "bytecode-order");
const PROFILES = { keyring: "hit-keyring.order", file: "hit-file.order" } as const;

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const scratch = mkdtempSync(join(tmpdir(), "kcc-bytecode-order-"));
  const sandbox = createSandbox();
  try {
    const binary = buildProfilingBinary(join(scratch, "bin"));
    const recorded = join(scratch, "profiles");
    mkdirSync(recorded);
    await recordHits(sandbox, binary, recorded);
    if (!check) {
      mkdirSync(committed, { recursive: true });
      for (const name of Object.values(PROFILES))
        writeFileSync(join(committed, name), readFileSync(join(recorded, name)));
      console.log(`bytecode-order: wrote ${Object.values(PROFILES).join(", ")} to scripts/bytecode-order/`);
      return;
    }
    const stale = Object.values(PROFILES).filter(
      (name) => hitCode(readOrEmpty(join(committed, name))) !== hitCode(readOrEmpty(join(recorded, name))),
    );
    if (stale.length > 0) {
      console.error(
        `bytecode-order: ${stale.join(", ")} no longer match what a hit reads: run \`npm run build:bin:order\` and commit scripts/bytecode-order/`,
      );
      process.exitCode = 1;
    } else console.log("bytecode-order: the committed profiles match a hit of this code");
  } finally {
    sandbox.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** build:bin's profiling build for this machine's architecture, as `kcc-cache`. */
function buildProfilingBinary(dir: string): string {
  const target = `linux-${arch() === "arm64" ? "arm64" : "x64"}`;
  const bun = join(root, "node_modules", ".bin", "bun");
  const result = spawnSync(bun, [join(root, "scripts", "build-bin.mjs"), target], {
    env: { ...process.env, KCC_BUILD_PROFILING: "1", KCC_BUILD_OUT: dir },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (result.status !== 0) throw new Error(`the profiling build failed (${result.status ?? "signal"})`);
  const command = join(dir, "kcc-cache");
  symlinkSync(join(dir, `kube-credential-cache-${target}`), command);
  return command;
}

/**
 * Each hit as kubectl makes it: its cache filled by a miss first, then the hit from a parent of its
 * own (a repeat from the same parent would be client-go's retry), with the profiler on.
 */
async function recordHits(sandbox: Sandbox, kccCache: string, into: string): Promise<void> {
  const plugin = writeFakePlugin(sandbox, "profiled-plugin");
  const execInfo = JSON.stringify({
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1beta1",
    spec: { interactive: false },
  });
  const fileEnv = { ...sandbox.env, KUBERNETES_EXEC_INFO: execInfo };
  hit(kccCache, plugin.name, fileEnv, join(into, PROFILES.file));
  const world = await startSecretService(sandbox);
  try {
    // Auto mode, as on a desktop: the store is chosen by asking the Secret Service.
    const keyringEnv: Record<string, string> = { ...fileEnv, DBUS_SESSION_BUS_ADDRESS: world.busAddress };
    delete keyringEnv["KUBE_CREDENTIAL_CACHE_BACKEND"];
    hit(kccCache, plugin.name, keyringEnv, join(into, PROFILES.keyring));
  } finally {
    await world.stop();
  }
}

function hit(kccCache: string, plugin: string, env: Record<string, string>, profile: string): void {
  const call = (extra: Record<string, string>): string => {
    const result = spawnSync("sh", ["-c", '"$0" "$@"; exit $?', kccCache, plugin], {
      env: { ...env, ...extra },
      encoding: "utf8",
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(`kcc-cache failed: ${result.stderr}`);
    return result.stderr;
  };
  call({});
  const said = call({ BUN_BYTECODE_ORDER_OUT: profile });
  if (said !== "") throw new Error(`the profiled call said something: ${said}`);
  // The same call again, with debug output, proves it is a hit (debug output changes what runs).
  const check = call({ KUBE_CREDENTIAL_CACHE_DEBUG: "1" });
  if (!/\bhit\b/.test(check)) throw new Error(`not a cache hit after filling the cache: ${check}`);
}

/**
 * The functions a hit decoded and the modules it evaluated: what the check compares, as a set. Not
 * their order: a keyring hit reads the daemons' answers as they come (src/io/secret-store/probe-at-once.ts),
 * in one read or in several, and the order in which a few functions are first called follows; a
 * function a few places off costs nothing. The strings it read are left out: among them is the build's
 * commit (and so the profile of any build differs from the last commit's in a line or two).
 */
function hitCode(profile: string): string {
  return profile
    .split("\n")
    .filter((line) => line.startsWith("F ") || line.startsWith("M "))
    .sort()
    .join("\n");
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

void main().catch((error: unknown) => {
  console.error(`bytecode-order: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
