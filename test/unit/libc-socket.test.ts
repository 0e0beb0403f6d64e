// The D-Bus socket of the Linux binaries (src/io/secret-store/libc-socket.ts), in bun itself, with the
// Secret Service client on top (test/fixtures/secret-service-over-libc.ts): a real gnome-keyring, a
// daemon that stops answering, a bus on an abstract socket, a peer that hangs up, no socket at all.
// The binary pass runs the keyring end-to-end tests over the same socket.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { runOverLibc } from "../fixtures/secret-service-over-libc-run.js";
import { requireSecretServiceTools, useSecretService } from "../e2e/support/secret-service.js";
import { bunForLibcTests } from "./support/bun.js";
import { useTempDir } from "./support/temp-dir.js";

test("over libc's socket: the probe, a write, the probe's read-ahead and a delete against gnome-keyring", async (t) => {
  const bun = bunForLibcTests(t);
  if (bun === undefined || !requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const socket = /unix:path=([^,;]+)/.exec(world.busAddress)?.[1] ?? "";
  const env = world.sandbox.env;
  const account = "libc-socket-test";
  const written = await runOverLibc([bun], env, [socket, "5000", "write", account, "value-1"]);
  assert.equal(written.state, "ready", written.detail);
  assert.equal(written.value, "value-1");
  assert.match(world.search(), /libc-socket-test/, "the entry is in gnome-keyring, as any client sees it");
  const read = await runOverLibc([bun], env, [socket, "5000", "read", account]);
  assert.deepEqual([read.state, read.value], ["ready", "value-1"]);
  const removed = await runOverLibc([bun], env, [socket, "5000", "delete", account]);
  assert.equal(removed.deleted, true);
  const gone = await runOverLibc([bun], env, [socket, "5000", "read", account]);
  assert.equal(gone.value, null);
});

test("over libc's socket: a keyring daemon that stops answering ends the probe at its deadline", async (t) => {
  const bun = bunForLibcTests(t);
  if (bun === undefined || !requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const socket = /unix:path=([^,;]+)/.exec(world.busAddress)?.[1] ?? "";
  // The world's cleanup thaws it before stopping it.
  world.freeze();
  const report = await runOverLibc([bun], world.sandbox.env, [socket, "300", "probe"]);
  assert.equal(report.state, "timeout", report.detail);
});

test("over libc's socket: a bus on an abstract socket is reached (it has no Secret Service)", async (t) => {
  const bun = bunForLibcTests(t);
  if (bun === undefined || !requireSecretServiceTools(t)) return;
  const world = await useSecretService(t, { keyring: false, abstractSocket: true });
  const name = /unix:abstract=([^,;]+)/.exec(world.busAddress)?.[1];
  assert.ok(name !== undefined, world.busAddress);
  const report = await runOverLibc([bun], world.sandbox.env, [`@${name}`, "5000", "probe"]);
  // "no-service" is the bus's own answer, after authentication and Hello: the whole way through.
  assert.equal(report.state, "no-service", report.detail);
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
  const hungUp = await runOverLibc([bun], {}, [path, "5000", "probe"]);
  assert.deepEqual([hungUp.state, hungUp.detail], ["no-bus", "D-Bus connection closed"]);
  const missing = join(dir, "no-such-socket");
  const absent = await runOverLibc([bun], {}, [missing, "5000", "probe"]);
  assert.equal(absent.state, "no-bus");
  // The summary the probe gives any system error, on every socket (core/errors.ts).
  assert.equal(absent.detail, "no such file (ENOENT)");
});
