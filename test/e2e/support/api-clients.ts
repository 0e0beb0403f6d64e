import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import type { TestContext } from "node:test";
import { isExecutable } from "./kubectl.js";
import { run, type RunResult } from "./run.js";
import type { Sandbox } from "./sandbox.js";
import { skipOrFailUnderCi } from "./skip.js";

/**
 * Kubernetes API clients other than client-go, run for real against the local API server: the
 * official Python client (Debian's python3-kubernetes) and @kubernetes/client-node (a devDependency).
 * Both print the server's gitVersion once per request.
 */

const ROOT = resolve(__dirname, "..", "..", "..");

/**
 * One long-lived program building `clients` API clients from one kubeconfig, each making a request:
 * every `new_client_from_config` runs the exec plugin anew, in the same process. `call_api` on
 * /version, since the generated VersionApi asks for /version/.
 */
const PYTHON_PROGRAM = `
import sys
from kubernetes import config
for _ in range(int(sys.argv[2])):
    client = config.new_client_from_config(config_file=sys.argv[1])
    version = client.call_api("/version", "GET", auth_settings=["BearerToken"], response_type="object", _return_http_data_only=True)
    print(version["gitVersion"])
`;

/** One client-node program, one request; resolved from the repository's node_modules (`--eval` resolves from the cwd). */
const NODE_PROGRAM = `
import { KubeConfig, VersionApi } from "@kubernetes/client-node";
const config = new KubeConfig();
config.loadFromFile(process.argv[1]);
console.log((await config.makeApiClient(VersionApi).getCode()).gitVersion);
`;

/** The first python3 on PATH that imports the kubernetes module; skips (fails under CI) without one. */
export function requirePythonClient(t: TestContext): string | undefined {
  const found = (process.env["PATH"] ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, "python3"))
    .filter(isExecutable)
    .find((python) => spawnSync(python, ["-c", "import kubernetes"], { stdio: "ignore" }).status === 0);
  if (found === undefined) {
    skipOrFailUnderCi(
      t,
      "no python3 on PATH imports the kubernetes module (apt-get install python3-kubernetes)",
    );
  }
  return found;
}

/** Whether @kubernetes/client-node is installed; skips (fails under CI) when it is not. */
export function requireClientNode(t: TestContext): boolean {
  const installed = existsSync(join(ROOT, "node_modules", "@kubernetes", "client-node", "package.json"));
  if (!installed) skipOrFailUnderCi(t, "@kubernetes/client-node is not installed (npm ci)");
  return installed;
}

export function runPythonClients(
  python: string,
  sandbox: Sandbox,
  kubeconfig: string,
  clients: number,
): Promise<RunResult> {
  return run(python, ["-c", PYTHON_PROGRAM, kubeconfig, String(clients)], { env: sandbox.env });
}

export function runClientNode(sandbox: Sandbox, kubeconfig: string): Promise<RunResult> {
  return run(process.execPath, ["--input-type=module", "--eval", NODE_PROGRAM, kubeconfig], {
    env: sandbox.env,
    cwd: ROOT,
  });
}
