import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
import { run } from "./support/run.js";
import { kccBin } from "./support/sandbox.js";

test("a failing plugin's exit code is kcc-cache's, its stderr passes unchanged, and nothing is cached", async (t) => {
  const sandbox = useSandbox(t);
  const message = "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation\n";
  const plugin = writeFakePlugin(sandbox, "failing-plugin", { exitCode: 3, stderr: message });

  const first = await kccCache(sandbox, [plugin.path]);
  assert.equal(first.code, 3);
  assert.equal(first.stderr, message, "the plugin's own message, and nothing added to it");
  const second = await kccCache(sandbox, [plugin.path]);
  assert.equal(second.code, 3);
  assert.equal(plugin.runs(), 2, "a failure is never cached");
  assert.ok(
    !existsSync(sandbox.cacheFile) || !readFileSync(sandbox.cacheFile, "utf8").includes("failing-plugin"),
  );
});

test("a plugin killed by a signal fails like a shell reports it (128 + signal)", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = sandbox.writeScript("self-killing", "#!/bin/sh\nkill -TERM $$\n");
  const result = await kccCache(sandbox, [plugin]);
  assert.equal(result.code, 128 + 15);
});

for (const [name, command] of [
  ["a bare name missing from PATH", "no-such-credential-plugin"],
  ["a path that does not exist", "/nonexistent/dir/no-such-credential-plugin"],
] as const) {
  test(`a plugin that is not found (${name}): exit 127 and one clear line`, async (t) => {
    const sandbox = useSandbox(t);
    const result = await kccCache(sandbox, [command, "eks", "get-token"]);
    assert.equal(result.code, 127);
    assert.equal(result.stdout, "");
    const lines = stderrLines(result);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? "", /not found/);
    assert.ok(lines[0]?.includes(command), "the message names the missing command");
  });
}

for (const [name, command] of [
  ["relative", "./bad-interpreter"],
  ["absolute", "ABSOLUTE"],
  ["a bare name on PATH", "bad-interpreter"],
] as const) {
  test(`a plugin whose #! interpreter is missing (${name}): exit 127, and the line says it is the interpreter`, async (t) => {
    const sandbox = useSandbox(t);
    const script = sandbox.writeScript("bad-interpreter", "#!/nonexistent/sh\necho never\n");
    const argv = [command === "ABSOLUTE" ? script : command, "get-token"];
    const result = await run("/bin/sh", ["-c", '"$0" "$@"; exit $?', kccBin("kcc-cache"), ...argv], {
      env: sandbox.env,
      cwd: sandbox.binDir,
    });
    assert.equal(result.code, 127, "as a shell reports it");
    const lines = stderrLines(result);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? "", /interpreter \/nonexistent\/sh was not found/);
    assert.doesNotMatch(lines[0] ?? "", /plugin "[^"]*" was not found/, "the plugin itself is there");
  });
}

test("a plugin file that is not executable: exit 126 and one line", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "not-executable");
  const copy = join(sandbox.dir, "plain-file");
  // A copy without the execute bit (root ignores read bits, but exec still needs an x bit).
  const { writeFileSync } = await import("node:fs");
  writeFileSync(copy, readFileSync(plugin.path), { mode: 0o644 });
  const result = await kccCache(sandbox, [copy]);
  assert.equal(result.code, 126);
  assert.equal(stderrLines(result).length, 1, result.stderr);
});

const invalidSettings: [string, string][] = [
  ["KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN", "soon"],
  ["KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN", "30"],
  ["KUBE_CREDENTIAL_CACHE_DEFAULT_TTL", "-1h"],
  // Beyond Go's duration range (about 292 years): Go's ParseDuration calls these invalid.
  ["KUBE_CREDENTIAL_CACHE_DEFAULT_TTL", "3000000000h"],
  ["KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN", "9999999999999999999999h"],
  ["KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD", "a day"],
  ["KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT", "1 minute"],
  ["KUBE_CREDENTIAL_CACHE_BACKEND", "bogus"],
  ["KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH", "5"],
  ["KUBE_CREDENTIAL_CACHE_SELF_HEAL", "maybe"],
];

for (const [name, value] of invalidSettings) {
  test(`invalid configuration ${name}=${value}: one line naming it, exit 2, plugin not run`, async (t) => {
    const sandbox = useSandbox(t);
    const plugin = writeFakePlugin(sandbox, "never-run");
    const result = await kccCache(sandbox, [plugin.path], { env: { [name]: value } });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    const lines = stderrLines(result);
    assert.equal(lines.length, 1, result.stderr);
    assert.ok(lines[0]?.includes(name), `the line names ${name}: ${lines[0] ?? ""}`);
    assert.equal(plugin.runs(), 0);
  });
}

test("Go duration syntax is accepted in settings", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "durations");
  for (const value of ["30s", "1h30m", "1.5h", "500ms", "0"]) {
    assertOk(
      await kccCache(sandbox, [plugin.path], { env: { KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN: value } }),
    );
  }
});

test("usage: an unknown option before the plugin is a usage error (exit 2) and runs nothing", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "usage-plugin");
  const result = await kccCache(sandbox, ["--frobnicate", plugin.path]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.equal(stderrLines(result).length, 1, result.stderr);
  assert.match(result.stderr, /--frobnicate/);
  assert.equal(plugin.runs(), 0);
});

test("usage: options after the plugin belong to the plugin", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "owns-options");
  assertOk(await kccCache(sandbox, [plugin.path, "--help", "--version", "-h"]));
  assert.equal(plugin.runs(), 1);
});

test("usage: no plugin at all is a usage error", async (t) => {
  const sandbox = useSandbox(t);
  const result = await kccCache(sandbox, []);
  assert.equal(result.code, 2);
  assert.equal(stderrLines(result).length, 1, result.stderr);
});

for (const flag of ["-h", "--help"]) {
  test(`usage: ${flag} prints help on stdout and exits 0`, async (t) => {
    const sandbox = useSandbox(t);
    const result = await kccCache(sandbox, [flag]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: kcc-cache/);
    assert.match(result.stdout, /KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN/);
    assert.equal(result.stderr, "");
  });
}

test("usage: --version prints the package version", async (t) => {
  const sandbox = useSandbox(t);
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  const result = await kccCache(sandbox, ["--version"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout.trim(), `kcc-cache ${pkg.version}`);
});
