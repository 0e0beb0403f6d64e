// Filling the cache before a timed run, and checking that the rows that should be hits are.
import { spawn } from "node:child_process";
import type { Row } from "./rows.js";

/**
 * Runs every caching row once, so that the timed runs are hits, then checks with debug output that
 * the hit rows really are hits. A row that cannot run here is left out with the reason.
 */
export async function prepare(
  rows: readonly Row[],
  env: Record<string, string>,
  skipped: string[],
): Promise<Row[]> {
  const kept: Row[] = [];
  for (const row of rows) {
    if (row.cached === true) {
      const fill = await runShell(row.command, env);
      if (fill.code !== 0) {
        skipped.push(`${row.name}: failed (${fill.stderr.trim().split("\n")[0] ?? ""})`);
        continue;
      }
      // Both kcc-caches and the Go original say "hit" in their debug output; kubectl passes it on.
      const check = await runShell(row.command, { ...env, KUBE_CREDENTIAL_CACHE_DEBUG: "1" });
      if (!/\bhit\b/.test(check.stderr)) {
        skipped.push(`${row.name}: not a cache hit after filling the cache`);
        continue;
      }
    }
    kept.push(row);
  }
  return kept;
}

/** Asynchronous: kubectl rows talk to the API server living in this process. */
function runShell(
  line: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("sh", ["-c", line], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.once("error", reject);
    child.once("close", (code) => {
      resolvePromise({ code, stderr });
    });
  });
}
