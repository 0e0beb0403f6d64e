import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { API_V1, isoIn, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, execInfo, kccCache, useSandbox } from "./support/kcc-cache.js";

test("a miss runs the plugin and prints its credential; the next call is a hit that runs nothing", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "counting-plugin");

  const first = await kccCache(sandbox, [plugin.path, "--flag", "value"]);
  assertOk(first);
  assert.equal(plugin.runs(), 1);
  assert.equal(first.stdout, plugin.output(1));
  assert.equal(first.stderr, "");
  assert.ok(existsSync(sandbox.cacheFile), "the credential was stored in the default cache file");

  for (let call = 0; call < 3; call += 1) {
    const hit = await kccCache(sandbox, [plugin.path, "--flag", "value"]);
    assertOk(hit);
    assert.equal(hit.stdout, plugin.output(1), "a hit serves the stored credential byte for byte");
    assert.equal(hit.stderr, "");
  }
  assert.equal(plugin.runs(), 1, "hits never run the plugin");
});

test("a plugin found on PATH by its bare name is run and cached", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "bare-name-plugin");
  assertOk(await kccCache(sandbox, ["bare-name-plugin"]));
  assertOk(await kccCache(sandbox, ["bare-name-plugin"]));
  assert.equal(plugin.runs(), 1);
});

test("what kubectl receives is byte-identical to what the plugin printed, on a miss and on a hit", async (t) => {
  const sandbox = useSandbox(t);
  // Indented, odd key order, a fractional timestamp with an offset, unknown fields, no final newline.
  const expiry = new Date(Date.now() + 3_600_000).toISOString().replace("Z", "+00:00");
  const printed = `{\n    "status": {\n        "expirationTimestamp": "${expiry}",\n        "token": "byte-exact-token"\n    },\n    "apiVersion": "${API_V1}",\n    "kind": "ExecCredential",\n    "spec": {"interactive": false},\n    "extra": "ignored \\u00e9 ✓"\n}`;
  const plugin = writeFakePlugin(sandbox, "exact-plugin", { stdout: printed });
  const env = { KUBERNETES_EXEC_INFO: execInfo(API_V1) };

  const miss = await kccCache(sandbox, [plugin.path], { env });
  const hit = await kccCache(sandbox, [plugin.path], { env });
  assertOk(miss);
  assertOk(hit);
  assert.equal(miss.stdout, printed);
  assert.equal(hit.stdout, printed);
  assert.equal(plugin.runs(), 1);
});

test("the plugin's expirationTimestamp reaches kubectl unaltered", async (t) => {
  const sandbox = useSandbox(t);
  const expiry = isoIn(20 * 60_000);
  const plugin = writeFakePlugin(sandbox, "expiry-plugin", { expirationTimestamp: expiry });
  await kccCache(sandbox, [plugin.path]);
  const hit = await kccCache(sandbox, [plugin.path]);
  assert.equal(plugin.runs(), 1);
  const served = JSON.parse(hit.stdout) as { status: { expirationTimestamp: string } };
  assert.equal(served.status.expirationTimestamp, expiry);
});

test("stdin reaches the plugin", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "stdin-plugin", { token: "from-stdin-{stdin}" });
  const result = await kccCache(sandbox, [plugin.path], { input: "typed-by-the-user" });
  assertOk(result);
  const credential = JSON.parse(result.stdout) as { status: { token: string } };
  assert.equal(credential.status.token, "from-stdin-typed-by-the-user");
});

test("the plugin's stderr is passed through unchanged, and stdout carries only the credential", async (t) => {
  const sandbox = useSandbox(t);
  const message = "Opening browser for login…\nwarning: profile 'dev' is about to expire\n";
  const plugin = writeFakePlugin(sandbox, "chatty-plugin", { stderr: message });
  const result = await kccCache(sandbox, [plugin.path]);
  assertOk(result);
  assert.equal(result.stderr, message);
  assert.equal(result.stdout, plugin.output(1));
});

test("the plugin runs with kcc-cache's environment unchanged, KUBERNETES_EXEC_INFO included", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "env-plugin", { recordEnv: true });
  const info = execInfo(API_V1, { cluster: { server: "https://env.example", config: null } });
  const env = { KUBERNETES_EXEC_INFO: info, SOME_PLUGIN_SETTING: "value with spaces", AWS_PROFILE: "dev" };
  assertOk(await kccCache(sandbox, [plugin.path], { env }));
  const seen = plugin.env(1);
  assert.equal(seen["KUBERNETES_EXEC_INFO"], info);
  assert.equal(seen["SOME_PLUGIN_SETTING"], "value with spaces");
  assert.equal(seen["AWS_PROFILE"], "dev");
  assert.equal(seen["HOME"], sandbox.home);
});
