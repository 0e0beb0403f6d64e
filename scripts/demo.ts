// `npm run demo`: a real kubectl talks to a local HTTPS API server, first with `aws eks get-token`
// run directly (as kubeconfigs from `aws eks update-kubeconfig` do), then through kcc-cache.
// Fake AWS keys in a temporary HOME: `aws eks get-token` only presigns a URL, so it runs offline.
import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { startApiServer } from "../test/e2e/support/api-server.js";
import { writeKubeconfig } from "../test/e2e/support/kubeconfig.js";
import { run } from "../test/e2e/support/run.js";
import { createSandbox } from "../test/e2e/support/sandbox.js";

const CALLS = 5;
const AWS_ARGS = ["eks", "get-token", "--cluster-name", "demo", "--region", "us-east-1"];

const sandbox = createSandbox();

async function main(): Promise<void> {
  const server = await startApiServer();
  try {
    symlinkSync(resolve("dist/kcc-cache.cjs"), join(sandbox.binDir, "kcc-cache"));
    const direct = writeKubeconfig(sandbox, server, {
      name: "direct",
      exec: { command: "aws", args: AWS_ARGS },
    });
    const cached = writeKubeconfig(sandbox, server, {
      name: "cached",
      exec: { command: "kcc-cache", args: ["aws", ...AWS_ARGS], provideClusterInfo: true },
    });
    const kubectl = execFileSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).trim();
    console.log(
      `kubectl: ${kubectl}; API server: ${server.url}; ${CALLS} calls of \`kubectl get --raw /version\` each\n`,
    );
    const before = await timeCalls(kubectl, direct);
    const after = await timeCalls(kubectl, cached);
    console.log("call  aws directly  through kcc-cache");
    before.forEach((ms, index) => {
      console.log(
        `${String(index + 1).padStart(4)}  ${ms.toFixed(0).padStart(9)} ms  ${(after[index] ?? 0).toFixed(0).padStart(13)} ms`,
      );
    });
    const warm = (times: number[]): number =>
      times.slice(1).reduce((sum, ms) => sum + ms, 0) / (times.length - 1);
    console.log(
      `\ncached calls (2..${CALLS}) average ${warm(after).toFixed(0)} ms vs ${warm(before).toFixed(0)} ms: ` +
        `${(warm(before) / warm(after)).toFixed(1)}x faster; the first call through kcc-cache runs aws and fills the cache.`,
    );
  } finally {
    await server.close();
    sandbox.cleanup();
  }
}

void main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

// Asynchronous on purpose: the API server runs in this process and must keep answering.
async function timeCalls(kubectl: string, kubeconfig: string): Promise<number[]> {
  const times: number[] = [];
  for (let call = 0; call < CALLS; call += 1) {
    const started = performance.now();
    const result = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
      env: sandbox.env,
    });
    times.push(performance.now() - started);
    if (result.code !== 0)
      throw new Error(`kubectl failed (exit ${String(result.code)}): ${result.stderr.trim()}`);
  }
  return times;
}
