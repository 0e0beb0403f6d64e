import { connect, type Socket } from "node:net";
import {
  decodeMessage,
  encodeCall,
  messageSize,
  type DbusValue,
  type MethodCall,
} from "../core/store/dbus-message.js";

/**
 * Just enough of a D-Bus client to ask the session bus a few questions with a deadline, in plain
 * JavaScript on Node's event loop. The native keyring addon talks to D-Bus synchronously and
 * cannot be interrupted: a stalled bus or a stopped keyring daemon would hang kcc-cache, and with
 * it kubectl (a blocked addon call even keeps process.exit() from returning, measured on Node 20).
 * So kcc-cache asks here first, where giving up is a socket close. Little-endian messages only;
 * replies in either byte order are read.
 */
export interface DbusConnection {
  call(message: MethodCall): Promise<DbusReply>;
  close(): void;
}

export type DbusReply =
  | { readonly ok: true; readonly value: DbusValue }
  | { readonly ok: false; readonly error: string; readonly message: string };

/** Connects and authenticates (SASL EXTERNAL with our uid), then says Hello as every client must. */
export async function openDbus(socketPath: string, uid: number): Promise<DbusConnection> {
  const socket = connect({ path: socketPath });
  socket.setNoDelay(true);
  const reader = createReader(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const hexUid = Buffer.from(String(uid)).toString("hex");
  socket.write(`\0AUTH EXTERNAL ${hexUid}\r\n`);
  const line = await reader.line();
  if (!line.startsWith("OK")) {
    socket.destroy();
    throw new Error(`D-Bus authentication refused (${line.slice(0, 40)})`);
  }
  socket.write("BEGIN\r\n");
  let serial = 0;
  const connection: DbusConnection = {
    async call(message) {
      serial += 1;
      socket.write(encodeCall(message, serial));
      return reader.reply(serial);
    },
    close() {
      socket.destroy();
    },
  };
  const hello = await connection.call({
    destination: "org.freedesktop.DBus",
    path: "/org/freedesktop/DBus",
    interface: "org.freedesktop.DBus",
    member: "Hello",
  });
  if (!hello.ok) {
    socket.destroy();
    throw new Error(`D-Bus Hello failed (${hello.error})`);
  }
  return connection;
}

function createReader(socket: Socket): {
  line(): Promise<string>;
  reply(serial: number): Promise<DbusReply>;
} {
  let buffer = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    wake?.();
  });
  const fail = (error: Error): void => {
    failure = error;
    wake?.();
  };
  socket.on("error", fail);
  socket.on("close", () => {
    fail(new Error("D-Bus connection closed"));
  });
  const more = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise((resolve) => (wake = resolve));
  };
  return {
    async line() {
      for (;;) {
        const end = buffer.indexOf("\r\n");
        if (end >= 0) {
          const text = buffer.subarray(0, end).toString("latin1");
          buffer = buffer.subarray(end + 2);
          return text;
        }
        await more();
      }
    },
    async reply(serial) {
      for (;;) {
        const size = messageSize(buffer);
        if (size !== undefined && buffer.length >= size) {
          const message = decodeMessage(buffer.subarray(0, size));
          buffer = buffer.subarray(size);
          // Signals (NameAcquired after Hello) and replies to other calls are skipped.
          if (message.replySerial === serial && (message.type === 2 || message.type === 3)) {
            return message.type === 2
              ? { ok: true, value: message.value }
              : { ok: false, error: message.errorName ?? "unknown", message: String(message.value ?? "") };
          }
          continue;
        }
        await more();
      }
    },
  };
}
