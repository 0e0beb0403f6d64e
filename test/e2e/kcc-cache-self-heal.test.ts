import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { shq, writeFakePlugin, type FakePlugin } from "./support/fake-plugin.js";
import { execInfo, kccCache, useSandbox } from "./support/kcc-cache.js";
import { writeKubeconfig } from "./support/kubeconfig.js";
import { requireKubectl } from "./support/kubectl.js";
import { run, start, type RunResult } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";
import { waitUntil } from "./support/wait.js";

interface Scene {
  readonly sandbox: Sandbox;
  readonly plugin: FakePlugin;
  readonly server: ApiServer;
  readonly kubeconfig: string;
  /** Tokens the API server answers 401 to from now on. */
  readonly rejected: Set<string>;
  kubectl(...args: string[]): Promise<RunResult>;
}

/** A real kubectl, through kcc-cache, against a local API server that can start rejecting a token. */
async function setScene(t: TestContext, kubectlPath: string, name: string): Promise<Scene> {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, name);
  const rejected = new Set<string>();
  const server = await startApiServer({ acceptToken: (token) => token !== "" && !rejected.has(token) });
  t.after(() => server.close());
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "dev",
    exec: { command: kccBin("kcc-cache"), args: [plugin.name], provideClusterInfo: true },
  });
  return {
    sandbox,
    plugin,
    server,
    kubeconfig,
    rejected,
    kubectl: (...args) =>
      run(
        kubectlPath,
        ["--kubeconfig", kubeconfig, ...(args.length > 0 ? args : ["get", "--raw", "/version"])],
        {
          env: sandbox.env,
        },
      ),
  };
}

const lastBearer = (server: ApiServer): string | undefined => server.requests.at(-1)?.authorization;

test("KUBE_CREDENTIAL_CACHE_SELF_HEAL=0: one process asking again is served from the cache", async (t) => {
  const sandbox = useSandbox(t);
  // A program that sets KUBERNETES_EXEC_INFO and calls kcc-cache twice as its own children.
  const twice = (plugin: FakePlugin): string =>
    sandbox.writeScript(
      `twice-${plugin.name}`,
      `#!/bin/sh\nfor i in 1 2; do ${shq(kccBin("kcc-cache"))} ${plugin.name} >/dev/null || exit 1; done\nexit 0\n`,
    );
  const healing = writeFakePlugin(sandbox, "healing");
  const plain = writeFakePlugin(sandbox, "plain");
  const env = { ...sandbox.env, KUBERNETES_EXEC_INFO: execInfo() };

  const on = await run(twice(healing), [], { env });
  assert.equal(on.code, 0, on.stderr);
  assert.equal(healing.runs(), 2, "with self-healing on, the second request reads as a rejection");

  const off = await run(twice(plain), [], { env: { ...env, KUBE_CREDENTIAL_CACHE_SELF_HEAL: "0" } });
  assert.equal(off.code, 0, off.stderr);
  assert.equal(plain.runs(), 1, "with self-healing off, the second request is a hit");
});

test("10 kubectl processes meet a rejected token at once: one refresh, and every later call works", async (t) => {
  const kubectl = requireKubectl(t);
  if (kubectl === undefined) return;
  const scene = await setScene(t, kubectl, "parallel");
  const first = await scene.kubectl();
  assert.equal(first.code, 0, first.stderr);
  assert.equal(scene.plugin.runs(), 1);

  scene.rejected.add("parallel-secret-1");
  // Their requests meet the 401 (client-go refreshes the credential, but does not resend the request).
  await Promise.all(Array.from({ length: 10 }, () => scene.kubectl()));
  assert.equal(scene.plugin.runs(), 2, "the ten retries ran the plugin once between them");

  const after = await Promise.all(Array.from({ length: 10 }, () => scene.kubectl()));
  for (const result of after) assert.equal(result.code, 0, result.stderr);
  const last = await scene.kubectl();
  assert.equal(last.code, 0, last.stderr);
  assert.equal(scene.plugin.runs(), 2, "the refreshed credential is served from the cache");
  assert.equal(lastBearer(scene.server), "Bearer parallel-secret-2");
});

test("kubectl proxy (one long-lived client) meets a rejected token; its next request works", async (t) => {
  const kubectl = requireKubectl(t);
  if (kubectl === undefined) return;
  const scene = await setScene(t, kubectl, "proxied");
  const proxy = start(
    kubectl,
    ["--kubeconfig", scene.kubeconfig, "proxy", "--address=127.0.0.1", "--port=0"],
    { env: scene.sandbox.env, timeoutMs: 120_000 },
  );
  t.after(() => {
    proxy.child.kill("SIGKILL");
  });
  let port = "";
  await waitUntil(() => {
    port = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(proxy.stdoutSoFar())?.[1] ?? "";
    return port !== "";
  }, "kubectl proxy listens");
  const viaProxy = async (): Promise<number> => (await fetch(`http://127.0.0.1:${port}/version`)).status;

  assert.equal(await viaProxy(), 200);
  assert.equal(scene.plugin.runs(), 1);
  // The user runs kubectl meanwhile: served the same credential after the proxy was.
  const other = await scene.kubectl();
  assert.equal(other.code, 0, other.stderr);
  assert.equal(scene.plugin.runs(), 1);

  scene.rejected.add("proxied-secret-1");
  assert.equal(await viaProxy(), 401, "the request in flight meets the rejection");
  assert.equal(scene.plugin.runs(), 2, "the proxy's client-go asked again, and kcc-cache refreshed");
  assert.equal(await viaProxy(), 200, "the next request through the proxy works");
  assert.equal(lastBearer(scene.server), "Bearer proxied-secret-2");
});

test("PID reuse: a process under a PID once served the credential, but started later, is served from the cache", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "reused");
  const env = { ...sandbox.env, KUBERNETES_EXEC_INFO: execInfo() };
  const filled = await kccCache(sandbox, [plugin.name], { env });
  assert.equal(filled.code, 0, filled.stderr);
  const log = findServedLog(sandbox.home);
  const { storedAtMs } = JSON.parse(readFileSync(log, "utf8").split("\n")[0] ?? "") as { storedAtMs: number };

  // Forges the log line of an earlier process under this script's own PID, then asks kcc-cache.
  const script = sandbox.writeScript(
    "forged-caller",
    [
      "#!/bin/sh",
      `start=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)`,
      `[ "$FORGE" = reused ] && start=1`,
      `printf '{"pid":%s,"start":"%s","exe":"%s","storedAtMs":%s}\\n' $$ "$start" "$(readlink /proc/$$/exe)" ${storedAtMs} >> ${shq(log)}`,
      `${shq(kccBin("kcc-cache"))} ${plugin.name} >/dev/null || exit 1`,
      "exit 0",
      "",
    ].join("\n"),
  );
  const reused = await run(script, [], { env: { ...env, FORGE: "reused" } });
  assert.equal(reused.code, 0, reused.stderr);
  assert.equal(plugin.runs(), 1, "another start time under the same PID is another process: a hit");

  // The control: the same forged line with the real start time reads as this process asking again.
  const same = await run(script, [], { env: { ...env, FORGE: "same" } });
  assert.equal(same.code, 0, same.stderr);
  assert.equal(plugin.runs(), 2, "the very same process asking again is a rejection");
});

function findServedLog(home: string): string {
  const root = join(home, ".cache", "kube-credential-cache");
  const found = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((name) =>
    name.endsWith(".callers"),
  );
  assert.equal(found.length, 1, `one served log under ${root}: ${found.join(", ")}`);
  return join(root, found[0] ?? "");
}
