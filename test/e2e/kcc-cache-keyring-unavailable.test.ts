import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { shq, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";
import { filesContaining, requireSecretServiceTools, useSecretService } from "./support/secret-service.js";

/**
 * A secret store that cannot be used: kcc-cache never prompts, never writes the plaintext file in
 * its place once it has used one, and says so in at most one stderr line per call.
 */

const DEBUG = { KUBE_CREDENTIAL_CACHE_DEBUG: "1" };

const warnings = (stderr: string): string[] =>
  stderr.split("\n").filter((line) => line !== "" && !line.startsWith("kcc-cache: debug:"));

test("a collection that locks while the plugin runs is not written to, and no unlock prompt is asked for", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "mfa-plugin");
  // The screen locks during the MFA/SSO dance: the collection locks before the credential is printed.
  world.sandbox.writeScript("locking-plugin", `#!/bin/sh\n${world.lockCommand}\nexec ${shq(plugin.path)}\n`);
  const env = { ...world.env, ...DEBUG };
  const monitor = await world.monitor();

  const result = await kccCache(world.sandbox, ["locking-plugin"], { env, timeoutMs: 30_000 });
  const calls = await monitor.calls();

  // What asking for the write used to do: Service.Unlock, then Prompt.Prompt, which makes
  // gnome-keyring ask its (here absent) prompter, org.gnome.keyring.SystemPrompter, on the bus.
  const prompting = calls.filter((call) =>
    /\.Secret\.Service\.Unlock$|\.Secret\.Prompt\.|org\.gnome\.keyring\.\w*Prompter/.test(call),
  );
  assert.deepEqual(prompting, [], "no unlock, no prompt, no prompter");
  assert.ok(
    calls.some((call) => call.endsWith("org.freedesktop.Secret.Service.Lock")),
    `the monitor saw the plugin lock the collection:\n${calls.join("\n")}`,
  );
  assertOk(result);
  assert.equal(result.stdout, plugin.output(1), "the plugin's credential, served uncached");
  assert.match(
    result.stderr,
    /store: keyring \(Secret Service \(auto: collection \S+ is unlocked/,
    "usable at first",
  );
  assert.match(
    result.stderr,
    /debug: \+\S+ not cached: the Secret Service exists but cannot be used now \(locked/,
  );
  assert.ok(warnings(result.stderr).length <= 1, `at most one warning line:\n${result.stderr}`);
  assert.ok(world.isLocked(), "the collection is still locked");
  assert.doesNotMatch(world.search(), /kube-credential-cache/, "nothing written to the secret store");
  assert.equal(existsSync(world.sandbox.cacheFile), false, "nor to the plaintext file");
});

test("a Secret Service that was in use and has gone: uncached with one warning, never the plaintext file", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "gone-plugin");
  const call = (env: Record<string, string | undefined>) =>
    kccCache(world.sandbox, ["gone-plugin"], { env: { ...world.env, ...env } });

  assertOk(await call({}));
  const hit = await call({});
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1));
  assert.equal(plugin.runs(), 1, "a keyring hit");

  const cases: [string, Record<string, string | undefined>, () => Promise<void>][] = [
    [
      "a later session without the desktop's bus",
      { DBUS_SESSION_BUS_ADDRESS: undefined },
      () => Promise.resolve(),
    ],
    ["a container's disabled bus", { DBUS_SESSION_BUS_ADDRESS: "disabled:" }, () => Promise.resolve()],
    ["the keyring daemon has quit", {}, () => world.stopKeyring()],
  ];
  let runs = 1;
  for (const [name, env, before] of cases) {
    await before();
    // Twice: the first call stored nothing the second could hit.
    for (let again = 0; again < 2; again += 1) {
      const result = await call(env);
      runs += 1;
      assertOk(result, name);
      assert.equal(existsSync(world.sandbox.cacheFile), false, `${name}: no plaintext cache file`);
      assert.equal(result.stdout, plugin.output(runs), `${name}: the plugin's credential`);
      assert.equal(plugin.runs(), runs, `${name}: nothing cached`);
      const lines = stderrLines(result);
      assert.equal(lines.length, 1, `${name}: one line:\n${result.stderr}`);
      // Short, since it comes on every call until the user chooses, and saying how to choose.
      assert.equal(
        lines[0],
        "kcc-cache: warning: not cached: this cache used a secret store, and none answers here (for the file: KUBE_CREDENTIAL_CACHE_BACKEND=file, or kcc-cache --clear --forget-secret-store)",
        name,
      );
    }
    assert.deepEqual(filesContaining(world.sandbox.dir, "gone-plugin-secret-"), [], name);
  }

  const status = await kccCache(world.sandbox, ["--status"], { env: world.env });
  assert.equal(status.code, 3, `--status: nothing would be cached: ${status.stderr}`);
  assert.match(
    status.stdout,
    /store: +none \(credentials are not cached\) — no Secret Service .*secret store before/,
  );
  assert.match(
    status.stdout,
    /history: +this cache has kept credentials in a secret store \(\S+keyring-index\.json exists\)/,
  );

  const file = { KUBE_CREDENTIAL_CACHE_BACKEND: "file" };
  const miss = await call(file);
  assertOk(miss);
  assert.equal(stderrLines(miss).length, 0, miss.stderr);
  const fileHit = await call(file);
  assert.equal(fileHit.stdout, plugin.output(runs + 1));
  assert.equal(plugin.runs(), runs + 1, "KUBE_CREDENTIAL_CACHE_BACKEND=file still means the file");
  assert.match(readFileSync(world.sandbox.cacheFile, "utf8"), /gone-plugin-secret-/);
  assert.match(
    status.stdout,
    /kcc-cache --clear --forget-secret-store forgets it/,
    "--status says the way out",
  );

  // The user chooses the file for good: the memory goes, and auto mode uses the file from then on.
  const forget = await kccCache(world.sandbox, ["--clear", "--forget-secret-store"], { env: world.env });
  assert.match(forget.stdout, /forgot the secret store: removed \S+keyring-index\.json/, forget.stderr);
  const auto = await call({});
  assertOk(auto);
  assert.equal(auto.stderr, "", "no warning any more");
  assert.equal(plugin.runs(), runs + 2, "the miss after --clear");
  assert.equal((await call({})).stdout, plugin.output(runs + 2), "and then a hit from the file");
  assert.equal(plugin.runs(), runs + 2);
});

test("DBUS_SESSION_BUS_ADDRESS=disabled: means no secret store: auto caches in the file, silently", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "container-plugin");
  const env = { KUBE_CREDENTIAL_CACHE_BACKEND: undefined, DBUS_SESSION_BUS_ADDRESS: "disabled:" };
  const miss = await kccCache(sandbox, ["container-plugin"], { env });
  assertOk(miss);
  assert.equal(miss.stderr, "");
  const hit = await kccCache(sandbox, ["container-plugin"], { env });
  assertOk(hit);
  assert.equal(hit.stderr, "");
  assert.equal(hit.stdout, plugin.output(1));
  assert.equal(plugin.runs(), 1, "the second call is a hit");
  assert.match(readFileSync(sandbox.cacheFile, "utf8"), /container-plugin-secret-1/);
});

test("a forced keyring on an unusable bus address: served uncached with exactly one stderr line", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "forced-plugin");
  const addresses = ["disabled:", "garbage", "unix:tmpdir=/tmp", "tcp:host=127.0.0.1,port=1"];
  for (const [at, address] of addresses.entries()) {
    const env = { KUBE_CREDENTIAL_CACHE_BACKEND: "keyring", DBUS_SESSION_BUS_ADDRESS: address };
    const result = await kccCache(sandbox, ["forced-plugin"], { env });
    assertOk(result, address);
    assert.equal(result.stdout, plugin.output(at + 1), address);
    const lines = stderrLines(result);
    assert.equal(lines.length, 1, `${address}:\n${result.stderr}`);
    assert.match(
      lines[0] ?? "",
      /^kcc-cache: warning: KUBE_CREDENTIAL_CACHE_BACKEND=keyring but no usable D-Bus session bus/,
      address,
    );
  }
  assert.equal(plugin.runs(), addresses.length, "nothing cached");
  assert.equal(existsSync(sandbox.cacheFile), false);
});

/**
 * What makes the native binding fail in the field, where it is loaded (macOS, Windows): a standalone
 * binary could not extract its embedded addon (bun writes it to TMPDIR first, as under wine or a
 * locked-down %TEMP%). On Linux kcc-cache speaks the Secret Service itself: the Linux binaries embed no
 * addon and the npm package installs none there (test/unit/keyring-addon-package.test.ts), so such a
 * failure changes nothing; where a binding that does not load matters, it is a store that is not there
 * (test/unit/backend-choice.test.ts).
 */
const BINDING_FAILS = {
  TMPDIR: "/nonexistent-tmp",
};

test("on Linux the secret store needs no native binding: one that cannot load changes nothing", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const cases: [string, Record<string, string | undefined>][] = [
    ["auto", {}],
    ["forced", { KUBE_CREDENTIAL_CACHE_BACKEND: "keyring" }],
  ];
  for (const [mode, backend] of cases) {
    const plugin = writeFakePlugin(world.sandbox, `no-binding-${mode}`);
    const env = { ...world.env, ...BINDING_FAILS, ...backend };
    const miss = await kccCache(world.sandbox, [`no-binding-${mode}`], { env: { ...env, ...DEBUG } });
    assertOk(miss, mode);
    assert.equal(miss.stdout, plugin.output(1), mode);
    assert.deepEqual(warnings(miss.stderr), [], `${mode}: not a word but in debug output`);
    assert.match(
      miss.stderr,
      /store: keyring \(Secret Service \((auto|forced): collection \S+ is unlocked/,
      mode,
    );
    const hit = await kccCache(world.sandbox, [`no-binding-${mode}`], { env });
    assertOk(hit, mode);
    assert.equal(hit.stdout, plugin.output(1), `${mode}: a hit from the Secret Service`);
    assert.equal(plugin.runs(), 1, mode);
    assert.ok(
      world.search().includes(`exec=["no-binding-${mode}"]`),
      `${mode}: the entry is in the Secret Service`,
    );
  }
  assert.equal(existsSync(world.sandbox.cacheFile), false, "no plaintext file");
  const manage = { env: { ...world.env, ...BINDING_FAILS } };
  const list = await kccCache(world.sandbox, ["--list"], manage);
  assertOk(list);
  assert.match(list.stdout, /no-binding-auto[\s\S]*no-binding-forced/, "--list reads both entries");
  const status = await kccCache(world.sandbox, ["--status"], manage);
  assertOk(status);
  assert.match(status.stdout, /store: +keyring — Secret Service/);
});
