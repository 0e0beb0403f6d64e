import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { startApiServer, SERVER_VERSION, type ApiServer } from "../e2e/support/api-server.js";
import { shq, writeFakePlugin, type FakePlugin } from "../e2e/support/fake-plugin.js";
import { useSandbox } from "../e2e/support/kcc-cache.js";
import { writeKubeconfig } from "../e2e/support/kubeconfig.js";
import { requireKubectl } from "../e2e/support/kubectl.js";
import { requirePrivateTmpfs } from "../e2e/support/locks.js";
import { run, type RunResult } from "../e2e/support/run.js";
import { kccBin, type Sandbox } from "../e2e/support/sandbox.js";

/**
 * A full disk and a read-only cache directory under a real kubectl: the credential is still served,
 * with exactly one warning line per call (the refresh lock and the store's write report the same
 * cause once).
 */

/** What kcc-cache says on kubectl's stderr (client-go passes a plugin's stderr on as it is). */
function kccLines(result: RunResult): string[] {
  return result.stderr.split("\n").filter((line) => line.startsWith("kcc-cache:"));
}

/** A real kubectl pointed through kcc-cache at a local API server, and the plugin behind it. */
async function kubectlWorld(
  t: TestContext,
  name: string,
): Promise<
  { sandbox: Sandbox; kubectl: string; server: ApiServer; plugin: FakePlugin; kubeconfig: string } | undefined
> {
  const kubectl = requireKubectl(t);
  if (kubectl === undefined) return undefined;
  const sandbox = useSandbox(t);
  const server = await startApiServer();
  t.after(() => server.close());
  const plugin = writeFakePlugin(sandbox, name);
  const kubeconfig = writeKubeconfig(sandbox, server, {
    name,
    exec: { command: kccBin("kcc-cache"), args: [plugin.path] },
  });
  return { sandbox, kubectl, server, plugin, kubeconfig };
}

/** Call `call` (1-based) of a scenario: what kubectl printed, kept outside the namespace. */
function readCall(out: string, call: number): RunResult {
  return {
    code: Number(readFileSync(join(out, `${call}.code`), "utf8")),
    signal: null,
    stdout: readFileSync(join(out, `${call}.out`), "utf8"),
    stdoutBytes: readFileSync(join(out, `${call}.out`)),
    stderr: readFileSync(join(out, `${call}.err`), "utf8"),
  };
}

/** kubectl reached the server with the credential of the plugin's `call`th run. */
function assertServed(result: RunResult, server: ApiServer, plugin: FakePlugin, call: number): void {
  assert.equal(result.code, 0, `kubectl call ${call} failed:\n${result.stderr}`);
  assert.equal((JSON.parse(result.stdout) as { gitVersion: string }).gitVersion, SERVER_VERSION.gitVersion);
  assert.equal(server.requests[call - 1]?.authorization, `Bearer ${plugin.name}-secret-${call}`);
}

test("a full disk under the cache: kubectl still gets its credential, with one warning line", async (t) => {
  const world = await kubectlWorld(t, "full-disk-kubectl");
  if (world === undefined) return;
  const { sandbox, kubectl, server, plugin, kubeconfig } = world;
  const mount = join(sandbox.dir, "full");
  mkdirSync(mount);
  if (!requirePrivateTmpfs(t, mount)) return;
  const cacheDirectory = join(mount, "cache");
  const out = join(sandbox.dir, "out");
  mkdirSync(out);
  // A mount namespace of its own: a tiny tmpfs holds the cache directory, filled to the last byte;
  // kubectl runs twice inside it, and what it printed is kept outside.
  const script = [
    "set -u",
    `mount -t tmpfs -o size=128k tmpfs ${shq(mount)} || exit 90`,
    `mkdir -m 700 ${shq(cacheDirectory)} || exit 91`,
    `dd if=/dev/zero of=${shq(join(mount, "filler"))} bs=4096 2>/dev/null`,
    `if printf x 2>/dev/null > ${shq(join(mount, "probe"))}; then exit 92; fi`,
    "for call in 1 2; do",
    `  timeout -s KILL 40 ${shq(kubectl)} --kubeconfig ${shq(kubeconfig)} get --raw /version > ${shq(out)}/$call.out 2> ${shq(out)}/$call.err`,
    `  echo $? > ${shq(out)}/$call.code`,
    "done",
    `ls -A ${shq(cacheDirectory)} > ${shq(out)}/left`,
  ].join("\n");
  const namespace = await run("unshare", ["-m", "sh", "-c", script], {
    env: { ...sandbox.env, KUBE_CREDENTIAL_CACHE_FILE: join(cacheDirectory, "cache.json") },
    timeoutMs: 100_000,
  });
  assert.equal(namespace.code, 0, `the full-disk scenario ran: ${namespace.stderr}`);
  for (const call of [1, 2]) {
    const result = readCall(out, call);
    assertServed(result, server, plugin, call);
    const lines = kccLines(result);
    assert.ok(lines.length > 0, "kcc-cache said why nothing was cached");
    for (const line of lines) assert.match(line, /^kcc-cache: warning: .*ENOSPC/);
    assert.ok(!result.stderr.includes("secret-"), "the warnings never show the token");
    await t.test(`call ${call}: one warning line`, () => {
      assert.equal(lines.length, 1, lines.join("\n"));
    });
  }
  assert.equal(plugin.runs(), 2, "both calls ran the plugin");
  const left = readFileSync(join(out, "left"), "utf8")
    .split("\n")
    .filter((name) => /\.(lock|tmp)$/.test(name));
  assert.deepEqual(left, [], "no lock or temp file stays behind on the full disk");
});

test("a read-only cache directory: kubectl still gets its credential, with one warning line", async (t) => {
  const world = await kubectlWorld(t, "read-only-kubectl");
  if (world === undefined) return;
  const { sandbox, kubectl, server, plugin, kubeconfig } = world;
  // Root ignores mode bits, so the directory is made read-only the way root meets it: a read-only
  // bind mount, in a mount namespace of the test's own (skipped with the reason where there is none).
  const cacheDirectory = join(sandbox.dir, "ro-cache");
  mkdirSync(join(cacheDirectory, "locks"), { recursive: true, mode: 0o700 });
  chmodSync(cacheDirectory, 0o700);
  writeFileSync(join(cacheDirectory, "cache.json"), '{"kcc":1,"entries":{}}\n', { mode: 0o600 });
  mkdirSync(join(sandbox.dir, "probe-mount"));
  if (!requirePrivateTmpfs(t, join(sandbox.dir, "probe-mount"))) return;
  const out = join(sandbox.dir, "out");
  mkdirSync(out);
  const script = [
    "set -u",
    `mount --bind ${shq(cacheDirectory)} ${shq(cacheDirectory)} || exit 90`,
    `mount -o remount,bind,ro ${shq(cacheDirectory)} || exit 91`,
    `if printf x 2>/dev/null > ${shq(join(cacheDirectory, "probe"))}; then exit 92; fi`,
    "for call in 1 2; do",
    `  timeout -s KILL 40 ${shq(kubectl)} --kubeconfig ${shq(kubeconfig)} get --raw /version > ${shq(out)}/$call.out 2> ${shq(out)}/$call.err`,
    `  echo $? > ${shq(out)}/$call.code`,
    "done",
  ].join("\n");
  const namespace = await run("unshare", ["-m", "sh", "-c", script], {
    env: { ...sandbox.env, KUBE_CREDENTIAL_CACHE_FILE: join(cacheDirectory, "cache.json") },
    timeoutMs: 100_000,
  });
  assert.equal(namespace.code, 0, `the read-only scenario ran: ${namespace.stderr}`);
  for (const call of [1, 2]) {
    const result = readCall(out, call);
    assertServed(result, server, plugin, call);
    const lines = kccLines(result);
    assert.ok(lines.length > 0, "kcc-cache said why nothing was cached");
    for (const line of lines) assert.match(line, /^kcc-cache: warning: .*EROFS/);
    await t.test(`call ${call}: one warning line`, () => {
      assert.equal(lines.length, 1, lines.join("\n"));
    });
  }
  assert.equal(plugin.runs(), 2, "both calls ran the plugin: nothing could be cached");
  assert.deepEqual(readdirSync(join(cacheDirectory, "locks")), [], "nothing was written");
});
