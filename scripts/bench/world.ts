import { buildSync } from "esbuild";
// The bench's private world: the test suite's sandbox (own HOME, cache, fake AWS keys), its private
// keyring, a local API server, the kubeconfigs the kubectl rows use, and a scripted slow plugin.
// Nothing here touches the developer's own cache, keys, keyring or kubeconfig.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startApiServer, type ApiServer } from "../../test/e2e/support/api-server.js";
import { isoIn, shq } from "../../test/e2e/support/fake-plugin.js";
import { writeKubeconfig, type ExecUser } from "../../test/e2e/support/kubeconfig.js";
import { createSandbox, type Sandbox } from "../../test/e2e/support/sandbox.js";
import { startSecretService, type RunningSecretService } from "../../test/e2e/support/secret-service.js";
import { onPath, type EmbeddedRuntime } from "./tools.js";

export const AWS_PLUGIN = ["aws", "eks", "get-token", "--cluster-name", "bench", "--region", "us-east-1"];
export const SLOW_PLUGIN_NAME = "slow-plugin";
export const FAST_PLUGIN_NAME = "fast-plugin";
const STATIC_TOKEN = "kcc-bench-static-token";

export interface World {
  readonly sandbox: Sandbox;
  readonly server: ApiServer;
  /** The environment every timed command runs in. */
  readonly env: Record<string, string>;
  /** Undefined where gnome-keyring/D-Bus are missing (the reason is printed). */
  readonly keyring: RunningSecretService | undefined;
  /** A kubeconfig whose user has a static bearer token: kubectl's floor. */
  readonly staticKubeconfig: string;
  kubeconfigFor(name: string, command: string, args: string[], env?: Record<string, string>): string;
  stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const sandbox = createSandbox();
  let server: ApiServer | undefined;
  let keyring: RunningSecretService | undefined;
  try {
    server = await startApiServer();
    keyring = await startKeyring(sandbox);
    const env: Record<string, string> = {
      ...sandbox.env,
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: "ExecCredential",
        apiVersion: "client.authentication.k8s.io/v1beta1",
        spec: { interactive: false },
      }),
    };
    if (keyring !== undefined) env["DBUS_SESSION_BUS_ADDRESS"] = keyring.busAddress;
    writeSlowPlugin(sandbox);
    writeFastPlugin(sandbox);
    const api = server;
    const staticKubeconfig = join(sandbox.dir, "kubeconfig-static.json");
    writeFileSync(
      staticKubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "bench", cluster: { server: api.url, "certificate-authority-data": api.caData } }],
        users: [{ name: "static", user: { token: STATIC_TOKEN } }],
        contexts: [{ name: "bench", context: { cluster: "bench", user: "static" } }],
        "current-context": "bench",
      }),
      { mode: 0o600 },
    );
    const stopAll = async (): Promise<void> => {
      await keyring?.stop();
      await api.close();
      sandbox.cleanup();
    };
    return {
      sandbox,
      server: api,
      env,
      keyring,
      staticKubeconfig,
      kubeconfigFor(name, command, args, extra = {}) {
        const user: ExecUser = {
          name,
          exec: { command, args, env: Object.entries(extra).map(([key, value]) => ({ name: key, value })) },
        };
        return writeKubeconfig(sandbox, api, user);
      },
      stop: stopAll,
    };
  } catch (error) {
    await keyring?.stop();
    await server?.close();
    sandbox.cleanup();
    throw error;
  }
}

/** A plugin that takes ~220 ms, as a typical cloud plugin's own work does, then prints a credential. */
function writeSlowPlugin(sandbox: Sandbox): void {
  writePlugin(sandbox, SLOW_PLUGIN_NAME, "sleep 0.22\n");
}

/** A plugin that prints a credential at once: a miss's own cost, without a cloud plugin's. */
function writeFastPlugin(sandbox: Sandbox): void {
  writePlugin(sandbox, FAST_PLUGIN_NAME, "");
}

function writePlugin(sandbox: Sandbox, name: string, before: string): void {
  const credential = JSON.stringify({
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1beta1",
    spec: {},
    status: { expirationTimestamp: isoIn(3_600_000), token: `kcc-bench-${name}-token` },
  });
  sandbox.writeScript(name, `#!/bin/sh\n${before}printf '%s\\n' ${shq(credential)}\n`);
}

async function startKeyring(sandbox: Sandbox): Promise<RunningSecretService | undefined> {
  const missing = ["dbus-daemon", "dbus-send", "gnome-keyring-daemon"].filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    console.error(`bench: no secret store rows (missing ${missing.join(", ")})`);
    return undefined;
  }
  return startSecretService(sandbox);
}

/**
 * Two Node programs that hash one cache key's worth of text, for the rows that keep
 * src/core/sha256.ts justified: one with node:crypto, one with our TypeScript SHA-256 (bundled here
 * with esbuild, as the Node build bundles it).
 */
export function writeHashProbes(dir: string): { readonly nodeCrypto: string; readonly portable: string } {
  const text = JSON.stringify("x".repeat(300));
  const nodeCrypto = join(dir, "hash-node-crypto.cjs");
  writeFileSync(nodeCrypto, `require("node:crypto").createHash("sha256").update(${text}).digest("hex");\n`);
  const portable = join(dir, "hash-portable.cjs");
  buildSync({
    stdin: {
      contents: `import { sha256Hex } from "./src/core/sha256.ts"; sha256Hex(${text});`,
      resolveDir: resolve(__dirname, "..", ".."),
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    minify: true,
    outfile: portable,
    logLevel: "error",
  });
  return { nodeCrypto, portable };
}

/**
 * A cache file holding `count` unrelated, unexpired entries (each the size of an aws token), for the
 * row showing that a hit does not slow down with what else the cache holds. Returns its path.
 */
export function writeCrowdedCache(dir: string, count: number): string {
  const directory = join(dir, "crowded-cache");
  mkdirSync(directory, { mode: 0o700 });
  const entries = Object.fromEntries(
    Array.from({ length: count }, (_, n) => [
      `exec=["aws","eks","get-token","--cluster-name","other-${n}"]`,
      {
        credential: `{"kind":"ExecCredential","status":{"token":"k8s-aws-v1.${"x".repeat(1400)}${n}"}}\n`,
        expiresAtMs: Date.now() + 24 * 3_600_000,
        expirySource: "plugin",
        kind: "token",
        storedAtMs: Date.now(),
      },
    ]),
  );
  const file = join(directory, "cache.json");
  writeFileSync(file, `${JSON.stringify({ kcc: 1, entries }, null, 1)}\n`, { mode: 0o600 });
  return file;
}

/**
 * An empty program compiled by bun: the floor of any bun binary. Built with the start-up file lookups
 * off, as build:bin builds ours: left on, an empty binary looks for `.env` files (listing every
 * directory from the working one up to `/`) and `bunfig.toml` at each start, about 1 ms that our
 * binary never spends, which made ours look closer to the floor than it is (docs/performance.md).
 * An ES module with no exports, as our entry is: bun bundles an empty file as a CommonJS module whose
 * `{}` becomes a default export, and checks a default export at start for a server to run, which
 * raised the floor by 0.55 MiB of peak memory (docs/performance.md). `runtime`: the bun runtime our
 * binary embeds, where it is not the bun running this (tools.ts, embeddedRuntime).
 */
export function compileEmptyBun(
  bun: string,
  dir: string,
  runtime: EmbeddedRuntime | undefined,
): string | undefined {
  const source = join(dir, "empty.ts");
  const out = join(dir, "empty-bun");
  writeFileSync(source, "export {};\n");
  const noLookups = ["--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig"];
  const onRuntime =
    runtime === undefined ? [] : [`--target=${runtime.target}`, `--compile-executable-path=${runtime.path}`];
  const args = ["build", "--compile", "--minify", ...noLookups, ...onRuntime, source, "--outfile", out];
  const result = spawnSync(bun, args, {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) {
    console.error(`bench: could not compile an empty bun program: ${result.stderr || result.error?.message}`);
    return undefined;
  }
  return out;
}

/**
 * A cache whose secret store holds `count` unexpired entries, each the size of an aws token, named in
 * its keys index, for the --list and --status rows. Stored with secret-tool (service and account
 * attributes, as kcc-cache searches), a few at a time. Returns the cache file's path.
 */
export async function writeCrowdedKeyring(
  dir: string,
  env: Record<string, string>,
  count: number,
): Promise<string> {
  const directory = join(dir, "crowded-keyring");
  mkdirSync(directory, { mode: 0o700 });
  const index: Record<string, { parts: number; expiresAtMs: number }> = {};
  const expiresAtMs = Date.now() + 24 * 3_600_000;
  const store = (n: number): Promise<void> => {
    const key = `exec=["aws","eks","get-token","--cluster-name","other-${n}"]`;
    index[key] = { parts: 0, expiresAtMs };
    const value = JSON.stringify({
      credential: `{"kind":"ExecCredential","status":{"token":"k8s-aws-v1.${"x".repeat(1400)}${n}"}}\n`,
      expiresAtMs,
      expirySource: "plugin",
      kind: "token",
      storedAtMs: Date.now(),
    });
    const args = [
      "store",
      `--label=keyring:${key}@kube-credential-cache`,
      "service",
      "kube-credential-cache",
    ];
    return new Promise((resolvePromise, reject) => {
      const child = spawn("secret-tool", [...args, "username", key], {
        env,
        stdio: ["pipe", "ignore", "inherit"],
      });
      child.once("error", reject);
      child.once("exit", (code) => {
        if (code === 0) resolvePromise();
        else reject(new Error(`secret-tool store exited ${code ?? "by signal"}`));
      });
      child.stdin.end(value);
    });
  };
  for (let n = 0; n < count; n += 8)
    await Promise.all(Array.from({ length: Math.min(8, count - n) }, (_, at) => store(n + at)));
  writeFileSync(join(directory, "keyring-index.json"), `${JSON.stringify({ kcc: 1, keyring: index })}\n`, {
    mode: 0o600,
  });
  return join(directory, "cache.json");
}
