import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, kccCache, useSandbox } from "./support/kcc-cache.js";
import { run } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";

let fifos = 0;

/**
 * The write end of a pipe that nobody reads, as `kcc-cache --list | head -1` leaves stdout once head
 * has its line: a FIFO opened for writing while a read-write descriptor stands in as its reader,
 * which is then closed. Every write the command makes fails (EPIPE) from its first: no race with a
 * reader that has yet to go.
 */
function pipeWithoutReader(t: TestContext, sandbox: Sandbox): number {
  fifos += 1;
  const fifo = join(sandbox.dir, `no-reader-${fifos}`);
  execFileSync("mkfifo", [fifo]);
  const standIn = openSync(fifo, "r+");
  const writeEnd = openSync(fifo, "w");
  closeSync(standIn);
  t.after(() => {
    closeSync(writeEnd);
  });
  return writeEnd;
}

test("a hit whose reader has gone exits 141 without a word, and the entry is still served next time", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "gone-reader");
  assertOk(await kccCache(sandbox, ["gone-reader"]), "miss");

  const cut = await kccCache(sandbox, ["gone-reader"], { stdout: pipeWithoutReader(t, sandbox) });
  assert.equal(cut.code, 141, "as a shell reports a program killed by SIGPIPE");
  assert.equal(cut.stderr, "", "no 'unexpected error': nothing went wrong but the reader");

  const next = await kccCache(sandbox, ["gone-reader"]);
  assertOk(next, "next hit");
  assert.equal(next.stdout, plugin.output(1));
  assert.equal(plugin.runs(), 1, "served from the cache both times");
});

test("--list and --clear into a reader that has gone: --clear still clears everything", async (t) => {
  const sandbox = useSandbox(t);
  for (const name of ["gone-one", "gone-two"]) {
    writeFakePlugin(sandbox, name);
    assertOk(await kccCache(sandbox, [name]), name);
  }
  const list = await kccCache(sandbox, ["--list"], { stdout: pipeWithoutReader(t, sandbox) });
  assert.deepEqual([list.code, list.stderr], [141, ""], "--list");

  const clear = await kccCache(sandbox, ["--clear"], { stdout: pipeWithoutReader(t, sandbox) });
  assert.deepEqual([clear.code, clear.stderr], [141, ""], "--clear");
  const after = await kccCache(sandbox, ["--list", "--json"]);
  assertOk(after, "--list after");
  assert.deepEqual(JSON.parse(after.stdout), [], "both entries removed");
});

test("kcc-injector -i --diff into a reader that has gone still writes the kubeconfig", async (t) => {
  const sandbox = useSandbox(t);
  const kubeconfig = join(sandbox.dir, "config");
  const before = [
    "apiVersion: v1",
    "kind: Config",
    "users:",
    "- name: dev",
    "  user:",
    "    exec:",
    "      apiVersion: client.authentication.k8s.io/v1beta1",
    "      command: aws",
    "      args: [eks, get-token]",
    "",
  ].join("\n");
  writeFileSync(kubeconfig, before, { mode: 0o600 });
  const result = await run(kccBin("kcc-injector"), ["-i", "--diff", kubeconfig], {
    env: sandbox.env,
    stdout: pipeWithoutReader(t, sandbox),
  });
  assert.equal(result.code, 141, result.stderr);
  const after = readFileSync(kubeconfig, "utf8");
  assert.notEqual(after, before, "the in-place edit was made");
  assert.match(after, /command: kcc-cache/);
});

test("a warning to a stderr whose reader has gone: the credential is still printed, exit 0", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "gone-stderr");
  // A secret store asked for where there is no session bus: served uncached, with one warning line.
  const env = { KUBE_CREDENTIAL_CACHE_BACKEND: "keyring", DBUS_SESSION_BUS_ADDRESS: "disabled:" };
  const warned = await kccCache(sandbox, ["gone-stderr"], { env });
  assert.match(warned.stderr, /warning/, "the case does warn");

  const result = await kccCache(sandbox, ["gone-stderr"], { env, stderr: pipeWithoutReader(t, sandbox) });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, plugin.output(2));
});
