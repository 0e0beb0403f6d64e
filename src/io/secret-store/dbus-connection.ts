import { StoreError } from "../../core/errors.js";
import type { DbusValue } from "../../core/store/dbus-marshal.js";
import {
  MESSAGE_TYPE,
  decodeMessage,
  encodeCall,
  messageSize,
  type MethodCall,
} from "../../core/store/dbus-message.js";
import { openUnixSocket, type SocketEvents, type UnixSocket } from "./dbus-socket.js";

/**
 * Just enough of a D-Bus client to speak to the session bus with a deadline, in plain JavaScript on
 * the event loop: a stalled bus or a stopped keyring daemon must never hang kcc-cache, and with it
 * kubectl, so every wait here ends by `timeoutMs` at the latest. A wait that times out closes the
 * connection, so the calls after it fail at once instead of each waiting out its own deadline.
 * Little-endian messages are written; replies in either byte order are read (docs/secret-store.md).
 */
export interface DbusConnection {
  /** Sends at once (before `ready` too: the handshake is pipelined); the reply within the deadline. */
  readonly call: (message: MethodCall) => Promise<DbusReply>;
  /** Authenticated and greeted; rejects (and fails every call) if the bus refused us. */
  readonly ready: Promise<void>;
  readonly close: () => void;
}

type DbusReply =
  | { readonly ok: true; readonly body: readonly DbusValue[] }
  | { readonly ok: false; readonly error: string; readonly message: string };

/** The bus or the service did not answer within the deadline (the connection is closed by then). */
export class DbusTimeoutError extends StoreError {}

export interface DbusOptions {
  /** The unix socket (abstract ones start with NUL). */
  readonly socket: string;
  readonly uid: number;
  /** The longest any one wait (connecting, authenticating, each call) may take. */
  readonly timeoutMs: number;
}

/**
 * Connects, authenticates (SASL EXTERNAL with our uid) and says Hello, as every client must. The
 * handshake is pipelined, as sd-bus does it: AUTH, BEGIN and Hello go out in one write, and the calls a
 * caller makes at once follow them, so that a keyring hit waits for two round trips instead of six
 * (docs/secret-store.md). Resolves when the socket is connected; `ready` says whether the bus took us.
 */
export async function openDbus(options: DbusOptions): Promise<DbusConnection> {
  const link = createLink(options.timeoutMs);
  const opening = openUnixSocket(options.socket, link.events, options.timeoutMs);
  // A connect that answers after the deadline is closed at once: nobody waits for it any more.
  opening.then(
    (late) => {
      if (link.failed()) late.close();
    },
    () => undefined,
  );
  const socket = await link.bounded(opening);
  link.attach(socket);
  const hexUid = Buffer.from(String(options.uid)).toString("hex");
  socket.write(`\0AUTH EXTERNAL ${hexUid}\r\nBEGIN\r\n`);
  const hello = link.call({
    destination: "org.freedesktop.DBus",
    path: "/org/freedesktop/DBus",
    interface: "org.freedesktop.DBus",
    member: "Hello",
  });
  const ready = Promise.all([link.bounded(link.accepted), hello]).then(([, reply]) => {
    if (!reply.ok) throw new StoreError(`D-Bus Hello failed (${reply.error})`);
  });
  // A refusal ends the calls already sent with it: their replies will never come.
  ready.catch((error: unknown) => {
    link.fail(error instanceof Error ? error : new StoreError(String(error)));
  });
  return {
    call: link.call,
    ready,
    close: () => {
      socket.close();
    },
  };
}

interface Pending {
  readonly resolve: (reply: DbusReply) => void;
  readonly reject: (error: Error) => void;
}

function createLink(timeoutMs: number): {
  readonly events: SocketEvents;
  readonly attach: (socket: UnixSocket) => void;
  readonly failed: () => boolean;
  readonly fail: (error: Error) => void;
  /** The bus answered AUTH with OK (it rejects, and the link fails, on anything else). */
  readonly accepted: Promise<void>;
  readonly call: (message: MethodCall) => Promise<DbusReply>;
  readonly bounded: <T>(wait: Promise<T>) => Promise<T>;
} {
  let buffer: Buffer = Buffer.alloc(0);
  let authenticated = false;
  let accept: { readonly resolve: () => void; readonly reject: (error: Error) => void } | undefined;
  const accepted = new Promise<void>((resolve, reject) => {
    accept = { resolve, reject };
  });
  // Awaited by openDbus's `ready`; a failure before anyone awaits it must not end the process.
  accepted.catch(() => undefined);
  let failure: Error | undefined;
  let serial = 0;
  let socket: UnixSocket | undefined;
  const pending = new Map<number, Pending>();
  const fail = (error: Error): void => {
    failure ??= error;
    socket?.close();
    for (const waiter of pending.values()) waiter.reject(failure);
    pending.clear();
    accept?.reject(failure);
  };
  const drain = (): void => {
    if (!authenticated) {
      const end = buffer.indexOf("\r\n");
      if (end < 0) return;
      const line = buffer.subarray(0, end).toString("latin1");
      // Anything but OK (REJECTED, ERROR): what follows is not messages, and BEGIN was never honoured.
      if (!line.startsWith("OK")) {
        fail(new StoreError(`D-Bus authentication refused (${line.slice(0, 40)})`));
        return;
      }
      buffer = buffer.subarray(end + 2);
      authenticated = true;
      accept?.resolve();
      // The replies pipelined behind the OK line may be in the same chunk: read on.
    }
    for (;;) {
      const size = messageSize(buffer);
      if (size === undefined || buffer.length < size) return;
      const message = decodeMessage(buffer.subarray(0, size));
      buffer = buffer.subarray(size);
      // Signals (NameAcquired after Hello) and anything not answering our calls are skipped.
      const waiter = message.replySerial === undefined ? undefined : pending.get(message.replySerial);
      if (
        waiter === undefined ||
        (message.type !== MESSAGE_TYPE.reply && message.type !== MESSAGE_TYPE.error)
      )
        continue;
      pending.delete(message.replySerial ?? -1);
      const first = message.body[0];
      waiter.resolve(
        message.type === MESSAGE_TYPE.reply
          ? { ok: true, body: message.body }
          : {
              ok: false,
              error: message.errorName ?? "unknown",
              message: typeof first === "string" ? first : "",
            },
      );
    }
  };
  const events: SocketEvents = {
    data(chunk) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      try {
        drain();
      } catch (error) {
        fail(error instanceof Error ? error : new StoreError(String(error)));
      }
    },
    fail,
    waiting: () => failure === undefined && (!authenticated || pending.size > 0),
  };
  const bounded = <T>(wait: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new DbusTimeoutError(`no answer on the D-Bus session bus within ${timeoutMs} ms`);
        fail(error);
        reject(error);
      }, timeoutMs);
    });
    return Promise.race([wait, deadline]).finally(() => {
      clearTimeout(timer);
    });
  };
  return {
    events,
    attach: (opened) => {
      socket = opened;
      if (failure !== undefined) opened.close();
    },
    failed: () => failure !== undefined,
    fail,
    accepted,
    bounded,
    call: (message) => {
      if (failure !== undefined) return Promise.reject(failure);
      serial += 1;
      const sent = serial;
      const reply = new Promise<DbusReply>((resolve, reject) => {
        pending.set(sent, { resolve, reject });
      });
      socket?.write(encodeCall(message, sent));
      return bounded(reply);
    },
  };
}
