import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { SERVER_VERSION, startApiServer } from "./support/api-server.js";
import { shq } from "./support/fake-plugin.js";
import { useSandbox } from "./support/kcc-cache.js";
import { run } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";

// One client-go run per call (/usr/bin/kubectl is gcloud's dispatcher, which runs the plugin twice).
const KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

function findOnPath(name: string): string {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${name} is needed by this test but is not on PATH (install the AWS CLI)`);
}

/** An `aws` first on the sandbox's PATH that counts its runs, then execs the real AWS CLI. */
function countingAws(sandbox: Sandbox): () => number {
  const real = findOnPath("aws");
  const counter = join(sandbox.dir, "aws-runs");
  sandbox.writeScript("aws", `#!/bin/sh\necho run >> ${shq(counter)}\nexec ${shq(real)} "$@"\n`);
  return () => (existsSync(counter) ? readFileSync(counter, "utf8").split("\n").filter(Boolean).length : 0);
}

function kubeconfigYaml(server: { url: string; caData: string }): string {
  return `# written by hand: these comments must survive kcc-injector
apiVersion: v1
kind: Config
clusters:
- name: e2e # the local API server
  cluster:
    server: ${server.url}
    certificate-authority-data: ${server.caData}
contexts:
- name: eks
  context: {cluster: e2e, user: eks-user}
- name: gke
  context:
    cluster: e2e
    user: gke-user
- name: local
  context:
    cluster: e2e
    user: v1-user
current-context: eks
users:
- name: eks-user # EKS admin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args:
      - eks
      - get-token
      - --cluster-name
      - x
      - --region
      - us-east-1
      env:
      - name: AWS_PROFILE
        value: default
      interactiveMode: Never
- name: gke-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      installHint: Install gke-gcloud-auth-plugin for use with kubectl by following
        https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
      provideClusterInfo: true
- name: v1-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token # relative to this file
      interactiveMode: Never
      provideClusterInfo: false
`;
}

function writeConfig(sandbox: Sandbox, text: string): string {
  mkdirSync(join(sandbox.home, ".kube"), { recursive: true });
  const path = join(sandbox.home, ".kube", "config");
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

async function injector(sandbox: Sandbox, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const result = await run(kccBin("kcc-injector"), args, { env: sandbox.env });
  return { code: result.code, stderr: result.stderr };
}

async function kubectl(
  sandbox: Sandbox,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(KUBECTL, args, { env: sandbox.env });
}

test("after kcc-injector -i, kubectl reaches the API server through kcc-cache and aws runs once", async (t) => {
  const sandbox = useSandbox(t);
  const server = await startApiServer();
  t.after(() => server.close());
  const awsRuns = countingAws(sandbox);
  const path = writeConfig(sandbox, kubeconfigYaml(server));

  const injected = await injector(sandbox, ["-i"]);
  assert.equal(injected.code, 0, injected.stderr);
  const exec = (parse(readFileSync(path, "utf8")) as { users: { user: { exec: { command: string } } }[] })
    .users[0]?.user.exec;
  assert.equal(exec?.command, "kcc-cache");
  assert.match(readFileSync(path, "utf8"), /# written by hand/);

  for (let call = 1; call <= 3; call += 1) {
    const version = await kubectl(sandbox, ["get", "--raw", "/version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(
      (JSON.parse(version.stdout) as { gitVersion: string }).gitVersion,
      SERVER_VERSION.gitVersion,
    );
  }
  assert.equal(awsRuns(), 1, "kcc-cache served the later calls from its cache");
  const tokens = new Set(server.requests.map((request) => request.authorization));
  assert.equal(tokens.size, 1, "every request carried the same cached token");
  assert.match([...tokens][0] ?? "", /^Bearer k8s-aws-v1\./);
});

test("kubectl config use-context rewrites the file; kcc-injector -r still restores every exec entry exactly", async (t) => {
  const sandbox = useSandbox(t);
  const server = await startApiServer();
  t.after(() => server.close());
  const original = kubeconfigYaml(server);

  // What kubectl writes for the never-injected file: the reference for "exactly".
  const path = writeConfig(sandbox, original);
  assert.equal((await kubectl(sandbox, ["config", "use-context", "gke"])).code, 0);
  assert.equal((await kubectl(sandbox, ["config", "use-context", "local"])).code, 0);
  const expected = readFileSync(path, "utf8");

  writeConfig(sandbox, original);
  assert.equal((await injector(sandbox, ["-i"])).code, 0);
  assert.equal((await kubectl(sandbox, ["config", "use-context", "gke"])).code, 0);
  const rewritten = readFileSync(path, "utf8");
  assert.doesNotMatch(rewritten, /(^|\s)# /m, "kubectl dropped every comment");
  assert.match(rewritten, /KUBE_CREDENTIAL_CACHE_ORIGINAL/, "the restore state survived the rewrite");

  const restored = await injector(sandbox, ["-i", "-r"]);
  assert.equal(restored.code, 0, restored.stderr);
  const users = (text: string): unknown => (parse(text) as { users: unknown }).users;
  // kubectl spells an absent provideClusterInfo as false and absent lists as null; restore gives back
  // the entry as it was, so compare after kubectl has written it once more (it writes only on a change).
  assert.equal((await kubectl(sandbox, ["config", "use-context", "local"])).code, 0);
  assert.equal(readFileSync(path, "utf8"), expected);
  assert.deepEqual(users(readFileSync(path, "utf8")), users(expected));
});

test("restore after injection gives back the original bytes (comments, order, quoting)", async (t) => {
  const sandbox = useSandbox(t);
  const original = kubeconfigYaml({ url: "https://127.0.0.1:6443", caData: "Q0E=" });
  const path = writeConfig(sandbox, original);
  assert.equal((await injector(sandbox, ["-i"])).code, 0);
  assert.notEqual(readFileSync(path, "utf8"), original);
  assert.equal((await injector(sandbox, ["-i", "-r"])).code, 0);
  assert.equal(readFileSync(path, "utf8"), original);
});
