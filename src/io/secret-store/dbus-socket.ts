import type { Socket } from "node:net";
import { StoreError } from "../../core/errors.js";
import { openLibcSocket } from "./libc-socket.js";

/**
 * A unix socket for the D-Bus client (src/io/secret-store/dbus-connection.ts), opened the cheapest way the runtime
 * offers: in the Linux binaries, libc's own calls (src/io/secret-store/libc-socket.ts); in another
 * standalone binary, bun's native sockets; under Node, node:net. Loading bun's node:net costs a binary
 * about 13 ms and its connect about 6 more, against about 1.3 ms for Bun.connect (docs/startup.md,
 * "The secret store on Linux"), and libc's calls spare even that. Idle, the socket never keeps the
 * process alive; the caller's deadline timers do while it waits.
 */
export interface UnixSocket {
  write(data: Uint8Array | string): void;
  close(): void;
}

export interface SocketEvents {
  data(chunk: Buffer): void;
  /** The socket failed or closed; called at most once. */
  fail(error: Error): void;
  /** Whether a reply is still awaited: a blocking socket reads for as long as one is. */
  waiting(): boolean;
}

/** What kcc-cache uses of bun's socket API (bun's own types are not a dependency here). */
interface BunSocket {
  write(data: Uint8Array | string): number;
  end(): void;
  unref(): void;
}
interface BunRuntime {
  connect(options: {
    unix: string;
    socket: {
      data(socket: BunSocket, data: Uint8Array): void;
      drain(socket: BunSocket): void;
      close(socket: BunSocket): void;
      error(socket: BunSocket, error: Error): void;
    };
  }): Promise<BunSocket>;
}

/** `timeoutMs` bounds each wait of a blocking socket; the others leave waiting to the caller's timers. */
export async function openUnixSocket(
  path: string,
  events: SocketEvents,
  timeoutMs: number,
): Promise<UnixSocket> {
  const blocking = openLibcSocket(path, events, timeoutMs);
  if (blocking !== undefined) return blocking;
  const bun = (globalThis as unknown as { Bun?: BunRuntime }).Bun;
  // Abstract sockets (a leading NUL) go through node:net, which is known to reach them.
  return bun !== undefined && !path.startsWith("\0")
    ? openBunSocket(bun, path, events)
    : openNodeSocket(path, events);
}

async function openBunSocket(bun: BunRuntime, path: string, events: SocketEvents): Promise<UnixSocket> {
  let queued = Buffer.alloc(0);
  let closed = false;
  const flush = (socket: BunSocket): void => {
    if (queued.length === 0) return;
    const written = socket.write(queued);
    queued = queued.subarray(Math.max(written, 0));
  };
  const socket = await bun.connect({
    unix: path,
    socket: {
      data: (_, data) => {
        events.data(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      },
      drain: flush,
      close: () => {
        closed = true;
        events.fail(new StoreError("D-Bus connection closed"));
      },
      error: (_, error) => {
        events.fail(error);
      },
    },
  });
  socket.unref();
  return {
    write(data) {
      // A short write leaves the rest for the drain callback; order is kept by queueing behind it.
      queued = Buffer.concat([queued, typeof data === "string" ? Buffer.from(data, "latin1") : data]);
      flush(socket);
    },
    close() {
      if (!closed) socket.end();
      closed = true;
    },
  };
}

async function openNodeSocket(path: string, events: SocketEvents): Promise<UnixSocket> {
  // Required here, not imported at the top: the binary never loads node:net (see above).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connect } = require("node:net") as typeof import("node:net");
  const socket: Socket = connect({ path });
  socket.setNoDelay(true);
  socket.unref();
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("data", (chunk: Buffer) => {
    events.data(chunk);
  });
  socket.on("error", (error) => {
    events.fail(error);
  });
  socket.on("close", () => {
    events.fail(new StoreError("D-Bus connection closed"));
  });
  return {
    write(data) {
      socket.write(data);
    },
    close() {
      socket.destroy();
    },
  };
}
