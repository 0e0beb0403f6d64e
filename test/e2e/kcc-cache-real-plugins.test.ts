import assert from "node:assert/strict";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { test } from "node:test";
import { startApiServer, SERVER_VERSION } from "./support/api-server.js";
import { API_V1, API_V1BETA1, shq, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, execInfo, kccCache, useSandbox } from "./support/kcc-cache.js";
import { writeKubeconfig } from "./support/kubeconfig.js";
import { run } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";

/**
 * A real kubectl that runs the plugin once per call. /usr/bin/kubectl on these machines is gcloud's
 * dispatcher: it runs client-go once to read the server version, then execs the matching
 * kubectl.1.xx, so every call runs the exec plugin twice (docs/protocol.md). Counting plugin runs per
 * kubectl call therefore needs a versioned binary; the dispatcher is tested separately below.
 */
const KUBECTL_ONE_RUN = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
const KUBECTL_DISPATCHER = "/usr/bin/kubectl";

function requireExecutable(path: string, hint: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is needed by this test but is not installed: ${hint}`);
  }
  return path;
}

function findOnPath(name: string): string {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is needed by this test but is not on PATH (install the AWS CLI)`);
}

interface CountedAws {
  runs(): number;
}

/** An `aws` first on the sandbox's PATH that counts its runs, then execs the real AWS CLI. */
function countingAws(sandbox: Sandbox): CountedAws {
  const real = findOnPath("aws");
  const counter = join(sandbox.dir, "aws-runs");
  sandbox.writeScript("aws", `#!/bin/sh\necho run >> ${shq(counter)}\nexec ${shq(real)} "$@"\n`);
  return {
    runs: () => (existsSync(counter) ? readFileSync(counter, "utf8").split("\n").filter(Boolean).length : 0),
  };
}

const GET_TOKEN = ["aws", "eks", "get-token", "--cluster-name", "x", "--region", "us-east-1"];

for (const apiVersion of [API_V1BETA1, API_V1]) {
  test(`real aws eks get-token (${apiVersion}) through kcc-cache: the second call is a hit`, async (t) => {
    const sandbox = useSandbox(t);
    const aws = countingAws(sandbox);
    const env = { KUBERNETES_EXEC_INFO: execInfo(apiVersion), KUBE_CREDENTIAL_CACHE_DEBUG: "1" };

    const miss = await kccCache(sandbox, GET_TOKEN, { env });
    assertOk(miss);
    const credential = JSON.parse(miss.stdout) as {
      kind: string;
      apiVersion: string;
      status: { token: string; expirationTimestamp: string };
    };
    assert.equal(credential.kind, "ExecCredential");
    assert.equal(credential.apiVersion, apiVersion);
    assert.match(credential.status.token, /^k8s-aws-v1\./);
    assert.ok(Date.parse(credential.status.expirationTimestamp) > Date.now());
    assert.equal(aws.runs(), 1);

    const hit = await kccCache(sandbox, GET_TOKEN, { env });
    assertOk(hit);
    assert.equal(hit.stdout, miss.stdout, "the same bytes, from the cache");
    assert.equal(aws.runs(), 1, "aws did not run again");
    assert.match(hit.stderr, /\bhit\b/);
    for (const output of [miss.stderr, hit.stderr]) {
      assert.ok(!output.includes(credential.status.token), "the token never reaches stderr");
      assert.ok(!output.includes("wJalrXUtnFEMI"), "the secret key never reaches stderr");
    }

    // Another profile on the same cluster is another credential (the Go original's mix-up).
    const other = await kccCache(sandbox, GET_TOKEN, { env: { ...env, AWS_PROFILE: "default" } });
    assertOk(other);
    assert.equal(aws.runs(), 2);
  });
}

test("real kubectl get --raw /version through kcc-cache: several calls, one plugin run", async (t) => {
  const kubectl = requireExecutable(KUBECTL_ONE_RUN, "install google-cloud-cli-kubectl (kubectl.1.33)");
  const sandbox = useSandbox(t);
  const server = await startApiServer();
  t.after(() => server.close());
  const plugin = writeFakePlugin(sandbox, "kubectl-plugin");
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "cached-user",
    exec: { command: kccBin("kcc-cache"), args: [plugin.path, "--cluster", "e2e"] },
  });

  for (let call = 1; call <= 3; call += 1) {
    const result = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
      env: sandbox.env,
    });
    assertOk(result, `kubectl call ${call}`);
    assert.equal((JSON.parse(result.stdout) as { gitVersion: string }).gitVersion, SERVER_VERSION.gitVersion);
    assert.equal(result.stderr, "");
  }
  assert.equal(plugin.runs(), 1, "three kubectl calls, one plugin run");
  const token = (JSON.parse(plugin.output(1)) as { status: { token: string } }).status.token;
  const versionRequests = server.requests.filter((request) => request.path === "/version");
  assert.equal(versionRequests.length, 3);
  for (const request of versionRequests) {
    assert.ok(request.authorization === `Bearer ${token}`, "the API server got the plugin's token");
  }

  // gcloud's dispatcher runs the plugin twice per call without a cache; through kcc-cache, zero times.
  const dispatcher = requireExecutable(KUBECTL_DISPATCHER, "install kubectl");
  for (let call = 1; call <= 2; call += 1) {
    const result = await run(dispatcher, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
      env: sandbox.env,
    });
    assertOk(result, `${KUBECTL_DISPATCHER} call ${call}`);
    assert.match(result.stdout, /gitVersion/);
  }
  assert.equal(plugin.runs(), 1, "still one plugin run");
});

test("real kubectl with provideClusterInfo and v1, wrapping the real aws eks get-token", async (t) => {
  const kubectl = requireExecutable(KUBECTL_ONE_RUN, "install google-cloud-cli-kubectl (kubectl.1.33)");
  const sandbox = useSandbox(t);
  const aws = countingAws(sandbox);
  const server = await startApiServer({ acceptToken: (token) => token.startsWith("k8s-aws-v1.") });
  t.after(() => server.close());
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "eks-user",
    exec: {
      command: kccBin("kcc-cache"),
      args: GET_TOKEN,
      apiVersion: API_V1,
      provideClusterInfo: true,
      env: [
        { name: "KUBE_CREDENTIAL_CACHE_USER", value: "eks-user" },
        { name: "AWS_PROFILE", value: "default" },
      ],
    },
  });
  for (let call = 1; call <= 3; call += 1) {
    const result = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
      env: sandbox.env,
    });
    assertOk(result, `kubectl call ${call}`);
    assert.match(result.stdout, /gitVersion/);
  }
  assert.equal(aws.runs(), 1, "three kubectl calls, one aws run");
  assert.equal(server.requests.filter((request) => request.path === "/version").length, 3);
});
