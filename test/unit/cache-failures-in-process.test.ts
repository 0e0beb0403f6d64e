import assert from "node:assert/strict";
import { test } from "node:test";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import {
  assertHelpPrinted,
  assertInterpreterMissing,
  assertInvalidSetting,
  assertPackageVersion,
  assertPluginNotFound,
} from "../e2e/support/failure-assertions.js";
import { stderrLines } from "../e2e/support/kcc-cache.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * How kcc-cache fails, case by case, run in-process: invalid settings, usage errors and plugins that
 * cannot start (those still really spawn, so the errors are the OS's). The end-to-end tests keep a
 * case of each, and everything that needs the installed command: its exit codes as a process, a
 * plugin killed by a signal, the directory it runs from, the help text its build ships.
 */
for (const [name, command] of [
  ["a bare name missing from PATH", "no-such-credential-plugin"],
  ["a path that does not exist", "/nonexistent/dir/no-such-credential-plugin"],
] as const) {
  test(`a plugin that is not found (${name}): exit 127 and one clear line`, async (t) => {
    const cache = useInProcessCache(t);
    assertPluginNotFound(await cache.call([command, "eks", "get-token"]), command);
  });
}

// A relative command resolves against the directory kcc-cache runs from, which only a process of its
// own has: that case is end-to-end.
for (const [name, command] of [
  ["absolute", "ABSOLUTE"],
  ["a bare name on PATH", "bad-interpreter"],
] as const) {
  test(`a plugin whose #! interpreter is missing (${name}): exit 127, and the line says it is the interpreter`, async (t) => {
    const cache = useInProcessCache(t);
    const script = cache.sandbox.writeScript("bad-interpreter", "#!/nonexistent/sh\necho never\n");
    assertInterpreterMissing(await cache.call([command === "ABSOLUTE" ? script : command, "get-token"]));
  });
}

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
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "never-run");
    const result = await cache.call([plugin.path], { env: { [name]: value } });
    assertInvalidSetting(result, name, plugin.runs());
  });
}

for (const value of ["30s", "1h30m", "1.5h", "500ms", "0"]) {
  test(`Go duration syntax is accepted in settings: KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN=${value}`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "durations");
    const result = await cache.call([plugin.path], { env: { KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN: value } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, plugin.output(1));
  });
}

test("usage: an unknown option before the plugin is a usage error (exit 2) and runs nothing", async (t) => {
  const cache = useInProcessCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "usage-plugin");
  const result = await cache.call(["--frobnicate", plugin.path]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.equal(stderrLines(result).length, 1, result.stderr);
  assert.match(result.stderr, /--frobnicate/);
  assert.equal(plugin.runs(), 0);
});

test("usage: options after the plugin belong to the plugin", async (t) => {
  const cache = useInProcessCache(t);
  const plugin = writeFakePlugin(cache.sandbox, "owns-options");
  const result = await cache.call([plugin.path, "--help", "--version", "-h"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(plugin.runs(), 1);
});

test("usage: no plugin at all is a usage error", async (t) => {
  const cache = useInProcessCache(t);
  const result = await cache.call([]);
  assert.equal(result.code, 2);
  assert.equal(stderrLines(result).length, 1, result.stderr);
});

for (const flag of ["-h", "--help"]) {
  test(`usage: ${flag} prints help on stdout and exits 0`, async (t) => {
    const cache = useInProcessCache(t);
    assertHelpPrinted(await cache.call([flag]));
  });
}

test("usage: --version prints the package version", async (t) => {
  const cache = useInProcessCache(t);
  assertPackageVersion(await cache.call(["--version"]));
});
