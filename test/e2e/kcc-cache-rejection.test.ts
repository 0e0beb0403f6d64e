import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import {
  requireClientNode,
  requirePythonClient,
  runClientNode,
  runPythonClients,
} from "./support/api-clients.js";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { shq, writeFakePlugin, type FakePlugin } from "./support/fake-plugin.js";
import { kccCache, useSandbox } from "./support/kcc-cache.js";
import { requireGcloudDispatcher, requireKubectlVersion } from "./support/kubectl.js";
import { writeKubeconfig } from "./support/kubeconfig.js";
import { run, type RunResult } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";

/**
 * Which clients' second request for a still-valid credential reads as a rejection
 * (docs/serve-decision.md, "Rejected credentials"): client-go's, whose retry follows a 401, and no
 * other client's, which ask again for reasons of their own.
 */

interface Scene {
  readonly sandbox: Sandbox;
  readonly plugin: FakePlugin;
  readonly server: ApiServer;
  readonly kubeconfig: string;
  /** kcc-cache's debug lines over every call (clients other than kubectl swallow a plugin's stderr). */
  debug(): string;
  kubectl(kubectl: string): Promise<RunResult>;
}

async function setScene(t: TestContext, name: string, rejectedToken?: string): Promise<Scene> {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, name);
  const server = await startApiServer({ acceptToken: (token) => token !== "" && token !== rejectedToken });
  t.after(() => server.close());
  const log = join(sandbox.dir, "kcc-cache-debug.log");
  // `exec`: kcc-cache takes the wrapper's place, so the client stays its parent.
  const wrapper = sandbox.writeScript(
    `kcc-cache-${name}`,
    `#!/bin/sh\nKUBE_CREDENTIAL_CACHE_DEBUG=1 exec ${shq(kccBin("kcc-cache"))} ${plugin.name} 2>>${shq(log)}\n`,
  );
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "dev",
    exec: { command: wrapper, provideClusterInfo: true },
  });
  return {
    sandbox,
    plugin,
    server,
    kubeconfig,
    debug: () => (existsSync(log) ? readFileSync(log, "utf8") : ""),
    kubectl: (kubectl) =>
      run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], { env: sandbox.env }),
  };
}

const tokensSeen = (server: ApiServer): Set<string | undefined> =>
  new Set(server.requests.map((request) => request.authorization));

// kubectl itself, not gcloud's dispatcher, so that one call is one client-go process.
for (const minor of [27, 33]) {
  test(`kubectl 1.${minor}: a credential the API server rejects is refreshed by its retry, so the next call works`, async (t) => {
    const kubectl = requireKubectlVersion(t, minor);
    if (kubectl === undefined) return;
    // Run 1's token is refused: the plugin handed out a credential for the wrong identity.
    const scene = await setScene(t, "rejected-once", "rejected-once-secret-1");

    const first = await scene.kubectl(kubectl);
    // client-go re-ran the plugin after the 401 (same kubectl process); the failed request itself is not retried.
    assert.notEqual(first.code, 0, "the first call's request was rejected");
    assert.equal(
      scene.plugin.runs(),
      2,
      "kcc-cache refreshed instead of serving the rejected credential again",
    );
    assert.match(scene.debug(), /rejected: the same process/);

    const second = await scene.kubectl(kubectl);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout) as { gitVersion: string }).gitVersion, "v1.33.0-kcc-e2e");
    const third = await scene.kubectl(kubectl);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(scene.plugin.runs(), 2, "the refreshed credential is served from the cache");
    assert.equal(scene.server.requests.at(-1)?.authorization, "Bearer rejected-once-secret-2");
  });
}

test("gcloud's kubectl dispatcher asking twice per call is not mistaken for a rejection", async (t) => {
  const dispatcher = requireGcloudDispatcher(t);
  if (dispatcher === undefined) return;
  const scene = await setScene(t, "dispatched");
  for (let call = 0; call < 3; call += 1) {
    const result = await scene.kubectl(dispatcher);
    assert.equal(result.code, 0, result.stderr);
  }
  assert.equal(scene.plugin.runs(), 1);
});

test("the Python client building three API clients in one process is served one credential, not refreshed", async (t) => {
  const python = requirePythonClient(t);
  if (python === undefined) return;
  const scene = await setScene(t, "python");
  const result = await runPythonClients(python, scene.sandbox, scene.kubeconfig, 3);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "v1.33.0-kcc-e2e\n".repeat(3));
  assert.equal(scene.plugin.runs(), 1);
  assert.deepEqual(tokensSeen(scene.server), new Set(["Bearer python-secret-1"]));
  assert.doesNotMatch(scene.debug(), /rejected/);
  assert.equal(
    (scene.debug().match(/ hit: /g) ?? []).length,
    2,
    "the second and third clients were served hits",
  );
});

test("@kubernetes/client-node in three processes is served one credential", async (t) => {
  if (!requireClientNode(t)) return;
  const scene = await setScene(t, "client-node");
  for (let call = 0; call < 3; call += 1) {
    const result = await runClientNode(scene.sandbox, scene.kubeconfig);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "v1.33.0-kcc-e2e\n");
  }
  assert.equal(scene.plugin.runs(), 1);
  assert.deepEqual(tokensSeen(scene.server), new Set(["Bearer client-node-secret-1"]));
});

test("a script calling kcc-cache repeatedly (no KUBERNETES_EXEC_INFO) is served from the cache", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "scripted");
  const script = sandbox.writeScript(
    "three-calls",
    `#!/bin/sh\nfor i in 1 2 3; do ${JSON.stringify(kccBin("kcc-cache"))} ${plugin.name} >/dev/null || exit 1; done\n`,
  );
  const result = await run(script, [], { env: sandbox.env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(plugin.runs(), 1);
  // The same kcc-cache called from one test process with exec info set, but not by kubectl's retry: a new parent each time.
  assert.equal((await kccCache(sandbox, [plugin.name])).code, 0);
  assert.equal(plugin.runs(), 1);
});
