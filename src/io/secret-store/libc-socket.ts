import { StoreError } from "../../core/errors.js";
import { systemCallError } from "../libc/errno.js";
import { libc, libcSockets, type Libc, type LibcSockets } from "../libc/libc.js";
import type { SocketEvents, UnixSocket } from "./dbus-socket.js";

/**
 * The D-Bus client's unix socket on the Linux binaries: libc's own calls, without bun's event loop or
 * socket code (docs/startup.md, "D-Bus over libc"). Two ways to use it:
 * - connectLibcSocket: a connection used synchronously, each send and each read bounded by a
 *   deadline: a keyring hit's whole exchange (src/io/secret-store/probe-at-once.ts).
 * - openLibcSocket: the same connection behind the asynchronous client's socket interface. Sending
 *   is a plain send(2); replies are read by one synchronous pass per turn of the event loop, which
 *   blocks in poll(2) until every reply the client awaits is in, or the deadline has passed. By then
 *   each awaited call's own deadline timer is due (src/io/secret-store/dbus-connection.ts), and it
 *   fails the connection as on any other socket.
 *
 * Both give undefined where libc cannot be bound: the caller then takes bun's or Node's socket.
 */
export interface LibcConnection {
  /** Sends all of `data`; while the socket takes nothing, waits up to `timeoutMs`. Throws when it cannot. */
  send(data: Uint8Array, timeoutMs: number): void;
  /**
   * What the peer sent since the last read, waiting for it until `untilMs` (performance.now() time):
   * undefined once that time has passed. Throws when the peer has hung up or the read fails.
   */
  receive(untilMs: number): Buffer | undefined;
  close(): void;
}

/**
 * A connected socket, or undefined where libc cannot be bound. A connect that fails throws a
 * node-style error (ENOENT, ECONNREFUSED…) naming the path. Never waits: a listening socket takes
 * the connection at once, and one whose queue is full answers EAGAIN.
 */
export function connectLibcSocket(path: string): LibcConnection | undefined {
  const c = libc();
  const s = libcSockets();
  if (c === undefined || s === undefined) return undefined;
  return libcConnection(c, s, connect(c, s, path));
}

export function openLibcSocket(
  path: string,
  events: SocketEvents,
  timeoutMs: number,
): UnixSocket | undefined {
  const connection = connectLibcSocket(path);
  return connection === undefined ? undefined : libcSocketOver(connection, events, timeoutMs);
}

/** A connection, as the asynchronous client's socket (see above). */
export function libcSocketOver(
  connection: LibcConnection,
  events: SocketEvents,
  timeoutMs: number,
): UnixSocket {
  let closed = false;
  let scheduled = false;
  const lost = (error: unknown): void => {
    if (closed) return;
    closed = true;
    connection.close();
    events.fail(error instanceof Error ? error : new StoreError(String(error)));
  };
  /** Reads until nothing more is awaited, the peer is gone, or the time is up. */
  const pump = (): void => {
    scheduled = false;
    const untilMs = performance.now() + timeoutMs;
    while (!closed && events.waiting()) {
      let chunk: Buffer | undefined;
      try {
        chunk = connection.receive(untilMs);
      } catch (error) {
        lost(error);
        return;
      }
      if (chunk === undefined) return;
      events.data(chunk);
    }
  };
  return {
    write(data) {
      if (closed) return;
      try {
        connection.send(typeof data === "string" ? Buffer.from(data, "latin1") : data, timeoutMs);
      } catch (error) {
        lost(error);
        return;
      }
      // Read once the caller's synchronous work is done: every call it sends now shares the wait.
      if (!scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      connection.close();
    },
  };
}

const AF_UNIX = 1;
/** SOCK_STREAM, non-blocking and close-on-exec: the same numbers on x86-64 and arm64. */
const STREAM_NONBLOCKING_CLOEXEC = 1 | 0o4000 | 0o2000000;
/** sizeof(struct sockaddr_un): a 2-byte family, then 108 bytes of path. */
const ADDRESS_BYTES = 110;
const POLLIN = 0x1;
const POLLOUT = 0x4;
/** A peer gone while we send is an error to report, not SIGPIPE. */
const MSG_NOSIGNAL = 0x4000;
const EINTR = 4;
const EAGAIN = 11;
/** Each read takes what the kernel has, up to this; a keyring hit's replies are about 1 KB. */
const READ_BYTES = 64 * 1024;

/** socket(2) and connect(2), as connectLibcSocket describes them: the descriptor, or a thrown error. */
function connect(c: Libc, s: LibcSockets, path: string): number {
  // An abstract socket's name starts with NUL and is exactly as long as it is; a path ends with one.
  const name = Buffer.from(path, "utf8");
  const length = 2 + name.length + (path.startsWith("\0") ? 0 : 1);
  if (length > ADDRESS_BYTES)
    throw new StoreError(`the D-Bus socket path is too long (${name.length} bytes)`);
  const address = new Uint8Array(ADDRESS_BYTES);
  address[0] = AF_UNIX;
  address.set(name, 2);
  const fd = s.socket(AF_UNIX, STREAM_NONBLOCKING_CLOEXEC, 0);
  if (fd < 0) throw systemCallError(c.errno(), "socket");
  if (s.connect(fd, address, length) < 0) {
    const error = systemCallError(c.errno(), "connect", printable(path));
    c.close(fd);
    throw error;
  }
  return fd;
}

/** An abstract name as D-Bus addresses write it (`@name`), a path as it is. */
const printable = (path: string): string => (path.startsWith("\0") ? `@${path.slice(1)}` : path);

function libcConnection(c: Libc, s: LibcSockets, fd: number): LibcConnection {
  let closed = false;
  const pollFd = new Uint8Array(8);
  const pollView = new DataView(pollFd.buffer);
  pollView.setInt32(0, fd, true);
  const received = new Uint8Array(READ_BYTES);
  /** Whether the socket is ready for `what` before `untilMs` (performance.now() time). */
  const ready = (what: number, untilMs: number): boolean => {
    for (;;) {
      const left = Math.ceil(untilMs - performance.now());
      if (left <= 0) return false;
      // struct pollfd is host-endian; both architectures served are little-endian.
      pollView.setInt16(4, what, true);
      pollView.setInt16(6, 0, true);
      const answer = s.poll(pollFd, 1, left);
      // Readiness, hang-up and error alike: the read or send that follows says which.
      if (answer > 0 || (answer < 0 && c.errno() !== EINTR)) return true;
    }
  };
  return {
    send(data, timeoutMs) {
      let rest = data;
      const untilMs = performance.now() + timeoutMs;
      while (rest.length > 0) {
        if (closed) throw new StoreError("D-Bus connection closed");
        const sent = s.send(fd, rest, rest.length, MSG_NOSIGNAL);
        if (sent >= 0) {
          rest = rest.subarray(sent);
          continue;
        }
        const errno = c.errno();
        if (errno === EAGAIN) {
          if (!ready(POLLOUT, untilMs))
            throw new StoreError(`the D-Bus socket took nothing for ${timeoutMs} ms`);
        } else if (errno !== EINTR) {
          throw systemCallError(errno, "send");
        }
      }
    },
    receive(untilMs) {
      for (;;) {
        if (closed) throw new StoreError("D-Bus connection closed");
        if (!ready(POLLIN, untilMs)) return undefined;
        const got = c.read(fd, received, READ_BYTES);
        // A copy: the next read reuses the buffer, the client may keep a partial message.
        if (got > 0) return Buffer.from(received.subarray(0, got));
        if (got === 0) throw new StoreError("D-Bus connection closed");
        const errno = c.errno();
        if (errno !== EAGAIN && errno !== EINTR) throw systemCallError(errno, "read");
      }
    },
    close() {
      if (closed) return;
      closed = true;
      c.close(fd);
    },
  };
}
