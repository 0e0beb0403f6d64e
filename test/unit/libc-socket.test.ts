// The D-Bus socket of the Linux binaries (src/io/secret-store/libc-socket.ts), in bun itself, with the
// Secret Service client on top (test/fixtures/secret-service-over-libc.ts): a real gnome-keyring, a
// daemon that stops answering, a bus on an abstract socket, a peer that hangs up, no socket at all.
// The binary pass runs the keyring end-to-end tests over the same socket.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { runOverLibc, type OverLibcReport } from "../fixtures/secret-service-over-libc-run.js";
import {
  requireSecretServiceTools,
  useSecretService,
  type SecretServiceWorld,
} from "../e2e/support/secret-service.js";
import { bunForLibcTests } from "./support/bun.js";
import { useTempDir } from "./support/temp-dir.js";

interface KeyringScene {
  readonly bun: string;
  readonly world: SecretServiceWorld;
  readonly socket: string;
  /** The fixture on this bus with a 5 s deadline: an action and its arguments. */
  readonly over: (...action: string[]) => Promise<OverLibcReport>;
}

/** bun, a private gnome-keyring and its bus socket's path; undefined (the test skipped) without them. */
async function keyringScene(t: TestContext): Promise<KeyringScene | undefined> {
  const bun = bunForLibcTests(t);
  if (bun === undefined || !requireSecretServiceTools(t)) return undefined;
  const world = await useSecretService(t);
  const socket = /unix:path=([^,;]+)/.exec(world.busAddress)?.[1] ?? "";
  return {
    bun,
    world,
    socket,
    over: (...action) => runOverLibc([bun], world.sandbox.env, [socket, "5000", ...action]),
  };
}

/** How many SearchItems calls the bus has carried. */
const searches = (calls: readonly string[]): number =>
  calls.filter((call) => call.endsWith("org.freedesktop.Secret.Service.SearchItems")).length;

test("over libc's socket: the probe, a write, the probe's read-ahead and a delete against gnome-keyring", async (t) => {
  const scene = await keyringScene(t);
  if (scene === undefined) return;
  const { world, over } = scene;
  const account = "libc-socket-test";
  const written = await over("write", account, "value-1");
  assert.equal(written.state, "ready", written.detail);
  assert.equal(written.value, "value-1");
  assert.match(world.search(), /libc-socket-test/, "the entry is in gnome-keyring, as any client sees it");
  const monitor = await world.monitor();
  const searchesBefore = searches(await monitor.calls());
  const read = await over("read", account);
  assert.deepEqual([read.state, read.value], ["ready", "value-1"]);
  // Answered by the exchange at once (src/io/secret-store/probe-at-once.ts): one search, nothing asked again.
  assert.equal(searches(await monitor.calls()) - searchesBefore, 1, "the read is the exchange's own");
  assert.equal(read.sockets, 1, "one connection, left open for the store");
  const removed = await over("delete", account);
  assert.equal(removed.deleted, true);
  const gone = await over("read", account);
  assert.deepEqual([gone.state, gone.value], ["ready", null]);
});

test("over libc's socket, at once: a read, then a write, a read and a question over the same connection", async (t) => {
  const scene = await keyringScene(t);
  if (scene === undefined) return;
  const { world, over } = scene;
  const account = "libc-socket-at-once";
  const first = await over("read-write", account, "v1");
  assert.deepEqual([first.state, first.value, first.written, first.again], ["ready", null, "v1", "ready"]);
  assert.deepEqual(
    [first.sockets, first.socketsAfter],
    [1, 1],
    "the write goes over the exchange's connection",
  );
  const second = await over("read-write", account, "v2");
  assert.deepEqual([second.value, second.written], ["v1", "v2"]);
  assert.match(world.search(), /libc-socket-at-once/);
});

test("over libc's socket, at once: the caller's work runs once while the daemons answer, and its failure is its own", async (t) => {
  const scene = await keyringScene(t);
  if (scene === undefined) return;
  const { over } = scene;
  const written = await over("write", "waiting", "v");
  assert.equal(written.value, "v");
  const waiting = await over("read-waiting", "waiting");
  assert.deepEqual([waiting.state, waiting.value, waiting.waited], ["ready", "v", 1]);
  const throwing = await over("read-waiting-throws", "waiting");
  assert.deepEqual([throwing.state, throwing.value, throwing.waited], ["ready", "v", 1], throwing.detail);
  // Nothing found: the second round still asks whether the collection is locked, and the work runs then.
  const none = await over("read-waiting", "no-such-entry");
  assert.deepEqual([none.state, none.value, none.waited], ["ready", null, 1]);
});

test("over libc's socket, at once: a locked collection is locked, and nothing is read", async (t) => {
  const scene = await keyringScene(t);
  if (scene === undefined) return;
  const { world, over } = scene;
  const written = await over("write", "locked-one", "v");
  assert.equal(written.value, "v");
  world.lock();
  const report = await over("read", "locked-one");
  assert.equal(report.state, "locked", report.detail);
  assert.equal(report.value, undefined, "a store that is not ready is not read from");
});

test("over libc's socket: a keyring daemon that stops answering ends the probe at its deadline", async (t) => {
  const scene = await keyringScene(t);
  if (scene === undefined) return;
  const { bun, world, socket } = scene;
  // The world's cleanup thaws it before stopping it.
  world.freeze();
  const report = await runOverLibc([bun], world.sandbox.env, [socket, "300", "probe"]);
  assert.equal(report.state, "timeout", report.detail);
  // The same exchange at once ends at the same deadline.
  const atOnce = await runOverLibc([bun], world.sandbox.env, [socket, "300", "read", "any"]);
  assert.deepEqual([atOnce.state, atOnce.detail], ["timeout", "no answer within 300 ms"]);
});

test("over libc's socket: a bus on an abstract socket is reached (it has no Secret Service)", async (t) => {
  const bun = bunForLibcTests(t);
  if (bun === undefined || !requireSecretServiceTools(t)) return;
  const world = await useSecretService(t, { keyring: false, abstractSocket: true });
  const name = /unix:abstract=([^,;]+)/.exec(world.busAddress)?.[1];
  assert.ok(name !== undefined, world.busAddress);
  // "no-service" is the bus's own answer, after authentication and Hello: the whole way through.
  for (const action of ["probe", "read"]) {
    const report = await runOverLibc([bun], world.sandbox.env, [`@${name}`, "5000", action, "any"]);
    assert.deepEqual(
      [report.state, report.detail],
      ["no-service", "nobody owns org.freedesktop.secrets on the session bus"],
      action,
    );
  }
  // No second round is sent, so the caller's work is not run by the exchange: the caller does it after.
  const waiting = await runOverLibc([bun], world.sandbox.env, [`@${name}`, "5000", "read-waiting", "any"]);
  assert.deepEqual([waiting.state, waiting.waited], ["no-service", 0]);
});

test("over libc's socket: a peer that hangs up at once, and a socket that is not there, are no bus", async (t) => {
  const bun = bunForLibcTests(t);
  if (bun === undefined) return;
  const dir = useTempDir(t);
  const path = join(dir, "hangs-up");
  // It hangs up once everything the probe sends before reading is in (its last call is ReadAlias):
  // the client then finds the connection closed while it waits, whatever the timing.
  const server = createServer((connection) => {
    let seen = "";
    connection.on("data", (chunk: Buffer) => {
      seen += chunk.toString("latin1");
      if (seen.includes("ReadAlias")) connection.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => server.close());
  const missing = join(dir, "no-such-socket");
  // The asynchronous client and the exchange at once alike.
  for (const action of ["probe", "read"]) {
    const hungUp = await runOverLibc([bun], {}, [path, "5000", action, "any"]);
    assert.deepEqual([hungUp.state, hungUp.detail], ["no-bus", "D-Bus connection closed"], action);
    const absent = await runOverLibc([bun], {}, [missing, "5000", action, "any"]);
    // The summary the probe gives any system error, on every socket (core/errors.ts).
    assert.deepEqual([absent.state, absent.detail], ["no-bus", "no such file (ENOENT)"], action);
  }
});
