import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { StoreError } from "../../src/core/errors.js";
import { DbusTimeoutError, openDbus } from "../../src/io/secret-store/dbus-connection.js";
import { probeSecretService } from "../../src/io/secret-store/probe.js";
import {
  requireSecretServiceTools,
  useSecretService,
  type SecretServiceWorld,
} from "../e2e/support/secret-service.js";

/**
 * The Secret Service client against a real gnome-keyring in a private D-Bus session, and against the
 * native addon it replaces on Linux: each must read what the other wrote (docs/secret-store.md).
 */

const ADDON = join(process.cwd(), "node_modules", "@napi-rs", "keyring");

function socketOf(world: SecretServiceWorld): string {
  const path = /unix:path=([^,;]+)/.exec(world.busAddress)?.[1];
  if (path === undefined) throw new Error(`not a unix:path address: ${world.busAddress}`);
  return path;
}

async function ready(t: TestContext, timeoutMs = 5_000) {
  if (!requireSecretServiceTools(t)) return undefined;
  const world = await useSecretService(t);
  const probe = await probeSecretService({
    socket: socketOf(world),
    uid: process.getuid?.() ?? 0,
    timeoutMs,
    allowActivation: false,
  });
  assert.equal(probe.outcome.state, "ready", probe.outcome.detail);
  const store = probe.store;
  assert.ok(store !== undefined, "a ready probe hands over its connection");
  return { world, keyring: store.keyring, askAgain: store.askAgain };
}

/** The native addon in a process of its own, as kcc-cache before this client used it. */
function addon(world: SecretServiceWorld, action: "get" | "set", account: string, value = ""): string {
  const script = `
const { Entry } = require(${JSON.stringify(ADDON)});
const entry = new Entry("kube-credential-cache", process.env.ACCOUNT, { linux: { store: "secret-service" } });
if (process.env.ACTION === "set") entry.setPassword(process.env.VALUE);
else process.stdout.write(String(entry.getPassword()));
`;
  const result = spawnSync(process.execPath, ["-e", script], {
    env: {
      ...world.sandbox.env,
      DBUS_SESSION_BUS_ADDRESS: world.busAddress,
      ACTION: action,
      ACCOUNT: account,
      VALUE: value,
    },
    encoding: "utf8",
    timeout: 20_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const ACCOUNT = 'api="client.authentication.k8s.io/v1" exec=["aws","eks"]';

test("an entry the native addon wrote is read, and one written here is what the addon reads", async (t) => {
  const scene = await ready(t);
  if (scene === undefined) return;
  addon(scene.world, "set", ACCOUNT, '{"from":"addon"}');
  assert.equal(await scene.keyring.get(ACCOUNT), '{"from":"addon"}');
  await scene.keyring.set(ACCOUNT, '{"from":"kcc ✓"}');
  assert.equal(addon(scene.world, "get", ACCOUNT), '{"from":"kcc ✓"}', "a downgrade still reads it");
  const found = scene.world.search();
  assert.equal(found.match(/^label = /gm)?.length, 1, `one entry, replaced:\n${found}`);
  assert.ok(found.includes(`label = keyring:${ACCOUNT}@kube-credential-cache`), found);
  assert.match(found, /schema = org\.freedesktop\.Secret\.Generic/);
  assert.match(found, /attribute\.service = kube-credential-cache/);
  assert.ok(found.includes(`attribute.username = ${ACCOUNT}`), found);
});

test("an entry stored without the schema attribute is replaced by a write, not left beside it", async (t) => {
  const scene = await ready(t);
  if (scene === undefined) return;
  const store = spawnSync(
    "secret-tool",
    ["store", "--label=by hand", "service", "kube-credential-cache", "username", "plain"],
    {
      env: { ...scene.world.sandbox.env, DBUS_SESSION_BUS_ADDRESS: scene.world.busAddress },
      input: "old",
      timeout: 10_000,
    },
  );
  assert.equal(store.status, 0, String(store.stderr));
  assert.equal(await scene.keyring.get("plain"), "old");
  await scene.keyring.set("plain", "new");
  assert.equal(scene.world.search().match(/^label = /gm)?.length, 1, scene.world.search());
  assert.equal(addon(scene.world, "get", "plain"), "new", "the addon finds exactly one entry");
});

test("a missing entry is undefined; delete removes it and says whether it was there", async (t) => {
  const scene = await ready(t);
  if (scene === undefined) return;
  assert.equal(await scene.keyring.get("nothing"), undefined);
  await scene.keyring.set("gone", "value");
  assert.equal(await scene.keyring.delete("gone"), true);
  assert.equal(await scene.keyring.get("gone"), undefined);
  assert.equal(await scene.keyring.delete("gone"), false);
});

test("a locked collection: the read is a miss, the write is refused, and no prompt is ever shown", async (t) => {
  const scene = await ready(t);
  if (scene === undefined) return;
  await scene.keyring.set("locked-later", "value");
  const monitor = await scene.world.monitor();
  scene.world.lock();
  assert.equal((await scene.askAgain()).state, "locked");
  assert.equal(await scene.keyring.get("locked-later"), undefined, "not readable without an unlock");
  await assert.rejects(scene.keyring.set("locked-later", "secret-value"), (error: unknown) => {
    assert.ok(error instanceof StoreError);
    // gnome-keyring refuses with IsLocked; a service that answers with a prompt instead is refused
    // the same way (the prompt is never followed).
    assert.match(
      error.message,
      /CreateItem (failed \(org\.freedesktop\.Secret\.Error\.IsLocked\)|asks for a prompt)/,
    );
    assert.doesNotMatch(error.message, /secret-value/);
    return true;
  });
  const calls = await monitor.calls();
  assert.deepEqual(
    calls.filter((call) => /\.Secret\.Service\.Unlock$|\.Secret\.Prompt\.|Prompter/.test(call)),
    [],
    "no unlock, no prompt",
  );
});

test("a daemon that stops answering: the wait ends at the deadline, and the connection with it", async (t) => {
  const scene = await ready(t, 300);
  if (scene === undefined) return;
  scene.world.freeze();
  try {
    await assert.rejects(scene.keyring.get("any"), DbusTimeoutError);
    // Closed by the timeout: the next call fails at once instead of waiting out a deadline of its own.
    await assert.rejects(scene.keyring.get("any"), DbusTimeoutError);
  } finally {
    scene.world.thaw();
  }
});

test("a probe that does not answer ready closes its connection; one that does keeps it", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const options = {
    socket: socketOf(world),
    uid: process.getuid?.() ?? 0,
    timeoutMs: 5_000,
    allowActivation: false,
  };
  const names = async (): Promise<number> => {
    const dbus = await openDbus(options);
    const reply = await dbus.call({
      destination: "org.freedesktop.DBus",
      path: "/org/freedesktop/DBus",
      interface: "org.freedesktop.DBus",
      member: "ListNames",
    });
    dbus.close();
    assert.ok(reply.ok);
    const list = reply.body[0];
    return Array.isArray(list)
      ? list.filter((name) => typeof name === "string" && name.startsWith(":")).length
      : 0;
  };
  const before = await names();
  const kept = await probeSecretService(options);
  assert.equal(kept.outcome.state, "ready");
  assert.equal(await names(), before + 1, "the ready probe's connection stays for the store");
  world.lock();
  const closed = await probeSecretService(options);
  assert.equal(closed.outcome.state, "locked");
  assert.equal(closed.store, undefined);
  // The bus drops a closed connection's name once it sees the socket close: poll that fact.
  const deadline = Date.now() + 30_000;
  while ((await names()) !== before + 1)
    assert.ok(Date.now() < deadline, "the locked probe's connection is gone");
});

/** A probe in auto mode that begins the read of ACCOUNT with its own questions. */
const probeReadingAhead = (world: SecretServiceWorld) =>
  probeSecretService({
    socket: socketOf(world),
    uid: process.getuid?.() ?? 0,
    timeoutMs: 5_000,
    allowActivation: false,
    readAhead: ACCOUNT,
  });

test("a read begun with the probe answers the first read only; a later read asks the store again", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  addon(world, "set", ACCOUNT, '{"v":1}');
  const probe = await probeReadingAhead(world);
  assert.equal(probe.outcome.state, "ready", probe.outcome.detail);
  const keyring = probe.store?.keyring;
  assert.ok(keyring !== undefined);
  // Changed after the probe has read it: the first read is the probe's, the next one is fresh.
  addon(world, "set", ACCOUNT, '{"v":2}');
  assert.equal(await keyring.get(ACCOUNT), '{"v":1}');
  assert.equal(await keyring.get(ACCOUNT), '{"v":2}');
  assert.equal(await keyring.get("another account"), undefined);
});

test("a read begun with the probe finds nothing in a locked collection and asks for no prompt", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  addon(world, "set", ACCOUNT, '{"v":1}');
  const monitor = await world.monitor();
  world.lock();
  const probe = await probeReadingAhead(world);
  assert.equal(probe.outcome.state, "locked");
  assert.equal(probe.store, undefined);
  const calls = await monitor.calls();
  assert.ok(
    calls.some((call) => call.endsWith(".Secret.Service.SearchItems")),
    calls.join("\n"),
  );
  assert.deepEqual(
    calls.filter((call) => /\.GetSecret$|\.Secret\.Service\.Unlock$|\.Secret\.Prompt\.|Prompter/.test(call)),
    [],
    "no secret read, no unlock, no prompt",
  );
});

test("a bus that refuses the pipelined handshake is no bus, not a wait for the deadline", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  // A wait for the deadline would say "timeout". Another uid than ours: the bus rejects SASL EXTERNAL, and the calls sent behind it never run.
  const probe = await probeSecretService({
    socket: socketOf(world),
    uid: (process.getuid?.() ?? 0) + 4242,
    timeoutMs: 60_000,
    allowActivation: false,
    readAhead: ACCOUNT,
  });
  assert.equal(probe.outcome.state, "no-bus", probe.outcome.detail);
});
