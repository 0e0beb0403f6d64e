import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CONFIGURED_API_VERSION, CORPUS, type CorpusRow } from "../fixtures/exec-credential-corpus.js";
import { startApiServer, type ApiServer } from "./support/api-server.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { execInfo, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
import { writeKubeconfig } from "./support/kubeconfig.js";
import { run } from "./support/run.js";
import { missingCommands, skipOrFailUnderCi } from "./support/skip.js";

/**
 * Differential test: real kubectl is the judge of every plugin output in the corpus, and kcc-cache must
 * cache exactly what kubectl uses. Each row runs kubectl once (straight on the plugin: kubectl's own
 * verdict, which must still be the one the corpus records), then kcc-cache twice as kubectl would run
 * it: the first call passes the plugin's bytes on unchanged, the second shows whether they were cached.
 * KCC_TEST_KUBECTL names the kubectl to use (default: kubectl on PATH).
 */
const KUBECTL = process.env["KCC_TEST_KUBECTL"] ?? "kubectl";
const missing = missingCommands([KUBECTL]);

/** Outputs kubectl accepts that kcc-cache passes on without caching: entries hold UTF-8 text. */
const NOT_UTF8 = new Set([
  "token with invalid UTF-8",
  "UTF-16LE with a byte order mark",
  "UTF-16BE with a byte order mark",
]);

let server: ApiServer | undefined;
before(async () => {
  if (missing.length === 0) server = await startApiServer({ acceptClientCertificates: true });
});
after(async () => {
  await server?.close();
});

describe("kubectl and kcc-cache agree on every plugin output", { concurrency: 2 }, () => {
  for (const row of CORPUS) {
    test(`kubectl ${row.kubectl} ${row.name}`, async (t) => {
      if (server === undefined) {
        skipOrFailUnderCi(t, `${missing.join(", ")} not found (set KCC_TEST_KUBECTL or put kubectl on PATH)`);
        return;
      }
      await checkRow(t, server, row);
    });
  }
});

async function checkRow(
  t: Parameters<typeof useSandbox>[0],
  server: ApiServer,
  row: CorpusRow,
): Promise<void> {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "corpus-plugin", { stdout: row.stdout });
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name: "corpus",
    exec: { command: plugin.path, apiVersion: CONFIGURED_API_VERSION },
  });
  const kubectl = await run(KUBECTL, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
    env: sandbox.env,
  });
  const verdict = kubectl.code === 0 ? "accepts" : "rejects";
  assert.equal(verdict, row.kubectl, `kubectl's own verdict changed: ${kubectl.stderr.trim()}`);

  const before = plugin.runs();
  const env = { KUBERNETES_EXEC_INFO: execInfo(CONFIGURED_API_VERSION) };
  const first = await kccCache(sandbox, [plugin.path], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.ok(first.stdoutBytes.equals(Buffer.from(row.stdout)), "the plugin's bytes reach kubectl unchanged");
  const cached = verdict === "accepts" && !NOT_UTF8.has(row.name);
  if (!cached) assert.match(stderrLines(first).join("\n"), /not cached/);
  const second = await kccCache(sandbox, [plugin.path], { env });
  assert.ok(second.stdoutBytes.equals(Buffer.from(row.stdout)));
  assert.equal(
    plugin.runs() - before,
    cached ? 1 : 2,
    cached ? "kubectl uses it, so the second call is served from the cache" : "never cached",
  );
}
