import assert from "node:assert/strict";
import { test } from "node:test";
import { startApiServer } from "./support/api-server.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { kccCache, useSandbox } from "./support/kcc-cache.js";
import { requireKubectl } from "./support/kubectl.js";
import { writeKubeconfig } from "./support/kubeconfig.js";
import { run } from "./support/run.js";
import { kccBin } from "./support/sandbox.js";

test("a credential the API server rejects is refreshed by kubectl's retry, so the next call works", async (t) => {
  // A real kubectl, not gcloud's dispatcher, so that one call is one client-go process.
  const KUBECTL = requireKubectl(t);
  if (KUBECTL === undefined) return;
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "rejected-once");
  // Run 1's token is refused: the plugin handed out a credential for the wrong identity.
  const server = await startApiServer({ acceptToken: (token) => token !== "rejected-once-secret-1" });
  t.after(() => server.close());
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "dev",
    exec: { command: kccBin("kcc-cache"), args: [plugin.name], provideClusterInfo: true },
  });
  const kubectl = (): ReturnType<typeof run> =>
    run(KUBECTL, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], { env: sandbox.env });

  const first = await kubectl();
  // client-go re-ran the plugin after the 401 (same kubectl process); the failed request itself is not retried.
  assert.notEqual(first.code, 0, "the first call's request was rejected");
  assert.equal(plugin.runs(), 2, "kcc-cache refreshed instead of serving the rejected credential again");

  const second = await kubectl();
  assert.equal(second.code, 0, second.stderr);
  assert.equal((JSON.parse(second.stdout) as { gitVersion: string }).gitVersion, "v1.33.0-kcc-e2e");
  const third = await kubectl();
  assert.equal(third.code, 0, third.stderr);
  assert.equal(plugin.runs(), 2, "the refreshed credential is served from the cache");
  const bearers = server.requests.map((request) => request.authorization);
  assert.equal(bearers.at(-1), "Bearer rejected-once-secret-2");
});

test("gcloud's kubectl dispatcher asking twice per call is not mistaken for a rejection", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "dispatched");
  const server = await startApiServer();
  t.after(() => server.close());
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "dev",
    exec: { command: kccBin("kcc-cache"), args: [plugin.name], provideClusterInfo: true },
  });
  for (let call = 0; call < 3; call += 1) {
    const result = await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
      env: sandbox.env,
    });
    assert.equal(result.code, 0, result.stderr);
  }
  assert.equal(plugin.runs(), 1);
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
