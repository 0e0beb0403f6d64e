import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import {
  cachedByKccCache,
  CONFIGURED_API_VERSION,
  CORPUS,
  VERDICTS_KUBECTL_VERSION,
  type CorpusRow,
} from "../fixtures/exec-credential-corpus.js";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { execInfo, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
import { writeKubeconfig } from "./support/kubeconfig.js";
import { run } from "./support/run.js";
import { findKubectl } from "./support/kubectl.js";
import { skipOrFailUnderCi } from "./support/skip.js";

/**
 * Differential test: real kubectl is the judge of the plugin outputs in the corpus, and kcc-cache must
 * cache exactly what kubectl uses. Each row runs kubectl once (straight on the plugin: kubectl's own
 * verdict, which must still be the one the corpus records), then kcc-cache twice as kubectl would run
 * it: the first call passes the plugin's bytes on unchanged, the second shows whether they were cached.
 *
 * kcc-cache must match the recorded verdict, and test/unit/exec-credential-corpus-cache.test.ts holds
 * kcc-cache (in-process) to it on every row. kubectl is here to keep the record true: a kubectl of
 * another version than VERDICTS_KUBECTL_VERSION could judge differently, so it judges every row; the
 * version that recorded the verdicts judges only SPOT_CHECKS, a row of each kind, which prove the wiring
 * end to end (kubectl running the plugin, the installed kcc-cache). The kubectl is the one the other
 * kubectl tests use (support/kubectl.ts: KCC_TEST_KUBECTL, else one client-go on PATH).
 */
const KUBECTL = findKubectl();

/** One row of each kind: what kcc-cache caches, what it passes on only, what kubectl refuses. */
const SPOT_CHECKS: ReadonlySet<string> = new Set([
  "valid token with expiry",
  "certificate and key",
  "YAML",
  "expiry in year 0000",
  "UTF-16LE with a byte order mark",
  "a log line before",
  "certificate with the wrong key",
]);

const recorder = KUBECTL !== undefined && clientVersion(KUBECTL) === VERDICTS_KUBECTL_VERSION;
const rows = recorder ? spotChecks() : CORPUS;

let server: ApiServer | undefined;
before(async () => {
  if (KUBECTL !== undefined) server = await startApiServer({ acceptClientCertificates: true });
});
after(async () => {
  await server?.close();
});

const scope = recorder ? "a plugin output of each kind" : "every plugin output";
describe(`kubectl and kcc-cache agree on ${scope}`, { concurrency: 2 }, () => {
  for (const row of rows) {
    test(`kubectl ${row.kubectl} ${row.name}`, async (t) => {
      if (server === undefined || KUBECTL === undefined) {
        skipOrFailUnderCi(t, "kubectl is not on PATH (or set KCC_TEST_KUBECTL)");
        return;
      }
      await checkRow(t, server, KUBECTL, row);
    });
  }
});

function spotChecks(): readonly CorpusRow[] {
  const chosen = CORPUS.filter((row) => SPOT_CHECKS.has(row.name));
  assert.equal(chosen.length, SPOT_CHECKS.size, "every spot check names a corpus row");
  return chosen;
}

/** The gitVersion `kubectl version --client -o json` prints; undefined when it prints none. */
function clientVersion(kubectl: string): string | undefined {
  const result = spawnSync(kubectl, ["version", "--client", "-o", "json"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  try {
    const printed = JSON.parse(result.stdout) as { clientVersion?: { gitVersion?: unknown } };
    const version = printed.clientVersion?.gitVersion;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

async function checkRow(
  t: Parameters<typeof useSandbox>[0],
  server: ApiServer,
  kubectl: string,
  row: CorpusRow,
): Promise<void> {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "corpus-plugin", { stdout: row.stdout });
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "corpus",
    exec: { command: plugin.path, apiVersion: CONFIGURED_API_VERSION },
  });
  const judged = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
    env: sandbox.env,
  });
  const verdict = judged.code === 0 ? "accepts" : "rejects";
  assert.equal(verdict, row.kubectl, `kubectl's own verdict changed: ${judged.stderr.trim()}`);

  const before = plugin.runs();
  const env = { KUBERNETES_EXEC_INFO: execInfo(CONFIGURED_API_VERSION) };
  const first = await kccCache(sandbox, [plugin.path], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.ok(first.stdoutBytes.equals(Buffer.from(row.stdout)), "the plugin's bytes reach kubectl unchanged");
  const cached = cachedByKccCache(row);
  if (!cached) assert.match(stderrLines(first).join("\n"), /not cached/);
  const second = await kccCache(sandbox, [plugin.path], { env });
  assert.ok(second.stdoutBytes.equals(Buffer.from(row.stdout)));
  assert.equal(
    plugin.runs() - before,
    cached ? 1 : 2,
    cached ? "kubectl uses it, so the second call is served from the cache" : "never cached",
  );
}
