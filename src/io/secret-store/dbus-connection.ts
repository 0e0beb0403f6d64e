import { StoreError } from "../../core/errors.js";
import {
  encodeCall,
  replyOf,
  takeAuthLine,
  takeMessage,
  type DbusReply,
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

/** The bus or the service did not answer within the deadline (the connection is closed by then). */
export class DbusTimeoutError extends StoreError {}

export interface DbusOptions {
  /** The unix socket (abstract ones start with NUL). */
  readonly socket: string;
  readonly uid: number;
  /** The longest any one wait (connecting, authenticating, each call) may take. */
  readonly timeoutMs: number;
}

/** SASL EXTERNAL as our uid, then BEGIN: sent at once, before the bus has answered (see openDbus). */
export const authenticationLines = (uid: number): string =>
  `\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString("hex")}\r\nBEGIN\r\n`;

/** The call every client makes first, and whose reply says the bus took it. */
export const HELLO: MethodCall = {
  destination: "org.freedesktop.DBus",
  path: "/org/freedesktop/DBus",
  interface: "org.freedesktop.DBus",
  member: "Hello",
};

/** The bus answered AUTH with something else than OK (REJECTED, ERROR): BEGIN was never honoured. */
export const authenticationRefused = (line: string): StoreError =>
  new StoreError(`D-Bus authentication refused (${line.slice(0, 40)})`);

export const helloFailed = (reply: DbusReply & { readonly ok: false }): StoreError =>
  new StoreError(`D-Bus Hello failed (${reply.error})`);

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
  socket.write(authenticationLines(options.uid));
  const hello = link.call(HELLO);
  const ready = Promise.all([link.bounded(link.accepted), hello]).then(([, reply]) => {
    if (!reply.ok) throw helloFailed(reply);
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

/**
 * A connection whose handshake and first calls were made by a keyring hit's exchange at once
 * (src/io/secret-store/probe-at-once.ts), carried on by this client: its calls continue after
 * `serial`, the last the exchange used, and `received` is what the exchange read beyond its last
 * reply. Replies to the exchange's own calls that arrive later are skipped, as signals are.
 */
export function continueDbus(
  open: (events: SocketEvents) => UnixSocket,
  options: { readonly timeoutMs: number; readonly serial: number; readonly received: Buffer },
): DbusConnection {
  const link = createLink(options.timeoutMs, options);
  const socket = open(link.events);
  link.attach(socket);
  return {
    call: link.call,
    ready: link.accepted,
    close: () => {
      socket.close();
    },
  };
}

interface Pending {
  readonly resolve: (reply: DbusReply) => void;
  readonly reject: (error: Error) => void;
}

function createLink(
  timeoutMs: number,
  continued?: { readonly serial: number; readonly received: Buffer },
): {
  readonly events: SocketEvents;
  readonly attach: (socket: UnixSocket) => void;
  readonly failed: () => boolean;
  readonly fail: (error: Error) => void;
  /** The bus answered AUTH with OK (it rejects, and the link fails, on anything else). */
  readonly accepted: Promise<void>;
  readonly call: (message: MethodCall) => Promise<DbusReply>;
  readonly bounded: <T>(wait: Promise<T>) => Promise<T>;
} {
  let buffer: Buffer = continued?.received ?? Buffer.alloc(0);
  let authenticated = continued !== undefined;
  let accept: { readonly resolve: () => void; readonly reject: (error: Error) => void } | undefined;
  const accepted = new Promise<void>((resolve, reject) => {
    accept = { resolve, reject };
  });
  // Awaited by openDbus's `ready`; a failure before anyone awaits it must not end the process.
  accepted.catch(() => undefined);
  if (authenticated) accept?.resolve();
  let failure: Error | undefined;
  let serial = continued?.serial ?? 0;
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
      const answer = takeAuthLine(buffer);
      if (answer === undefined) return;
      // Anything but OK: what follows is not messages.
      if (!answer.line.startsWith("OK")) {
        fail(authenticationRefused(answer.line));
        return;
      }
      buffer = answer.rest;
      authenticated = true;
      accept?.resolve();
      // The replies pipelined behind the OK line may be in the same chunk: read on.
    }
    for (let next = takeMessage(buffer); next !== undefined; next = takeMessage(buffer)) {
      buffer = next.rest;
      // Signals (NameAcquired after Hello) and anything not answering our calls are skipped.
      const reply = replyOf(next.message);
      const serial = next.message.replySerial ?? -1;
      const waiter = reply === undefined ? undefined : pending.get(serial);
      if (waiter === undefined || reply === undefined) continue;
      pending.delete(serial);
      waiter.resolve(reply);
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
