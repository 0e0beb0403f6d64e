import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import {
  assertHelpPrinted,
  assertInterpreterMissing,
  assertInvalidSetting,
  assertPackageVersion,
  assertPluginNotFound,
  assertStoppedPastOutputLimit,
} from "./support/failure-assertions.js";
import { kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
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

// The other cases (binary output, a plugin ignoring SIGTERM) are in-process, in
// test/unit/plugin-output-limit-in-process.test.ts.
test("a plugin printing without end is stopped past 64 MiB: exit 126, one line, nothing printed or cached", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = sandbox.writeScript("endless", "#!/bin/sh\nexec yes\n");
  const result = await kccCache(sandbox, [plugin]);
  assertStoppedPastOutputLimit(
    result,
    plugin,
    /; it was terminated \(SIGTERM\); nothing was cached$/,
    sandbox.cacheFile,
  );
});

// PATH as the installed command sees it; a missing path is one of the in-process cases.
test("a plugin that is not found (a bare name missing from PATH): exit 127 and one clear line", async (t) => {
  const sandbox = useSandbox(t);
  const command = "no-such-credential-plugin";
  assertPluginNotFound(await kccCache(sandbox, [command, "eks", "get-token"]), command);
});

// The relative case needs the directory a process of its own runs from; the others run in-process.
test("a plugin whose #! interpreter is missing (relative): exit 127, and the line says it is the interpreter", async (t) => {
  const sandbox = useSandbox(t);
  sandbox.writeScript("bad-interpreter", "#!/nonexistent/sh\necho never\n");
  const argv = ["./bad-interpreter", "get-token"];
  const result = await run("/bin/sh", ["-c", '"$0" "$@"; exit $?', kccBin("kcc-cache"), ...argv], {
    env: sandbox.env,
    cwd: sandbox.binDir,
  });
  assertInterpreterMissing(result);
});

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

// Invalid settings, Go durations and usage errors are tables run in-process
// (test/unit/cache-failures-in-process.test.ts). Here, one invalid setting proves the installed
// command's exit code; --help and --version prove what its build ships: the help text it loads lazily
// and the version it is stamped with.
test("invalid configuration KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN=soon: one line naming it, exit 2, plugin not run", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "never-run");
  const name = "KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN";
  const result = await kccCache(sandbox, [plugin.path], { env: { [name]: "soon" } });
  assertInvalidSetting(result, name, plugin.runs());
});

test("usage: --help prints help on stdout and exits 0", async (t) => {
  const sandbox = useSandbox(t);
  assertHelpPrinted(await kccCache(sandbox, ["--help"]));
});

test("usage: --version prints the package version", async (t) => {
  const sandbox = useSandbox(t);
  assertPackageVersion(await kccCache(sandbox, ["--version"]));
});
