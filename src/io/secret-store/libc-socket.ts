import { StoreError } from "../../core/errors.js";
import { systemCallError } from "../libc/errno.js";
import { libc, libcSockets, type Libc, type LibcSockets } from "../libc/libc.js";
import type { SocketEvents, UnixSocket } from "./dbus-socket.js";

/**
 * The D-Bus client's unix socket on the Linux binaries: libc's own calls, without bun's event loop or
 * socket code (docs/startup.md, "D-Bus over libc"). Sending is a plain send(2); replies are read by
 * one synchronous pass per turn of the event loop, which blocks in poll(2) until every reply the
 * client awaits is in, or the deadline has passed. By then each awaited call's own deadline timer is
 * due (src/io/secret-store/dbus-connection.ts), and it fails the connection as on any other socket.
 *
 * Undefined where libc cannot be bound: the caller then opens bun's or Node's socket.
 */
export function openLibcSocket(
  path: string,
  events: SocketEvents,
  timeoutMs: number,
): UnixSocket | undefined {
  const c = libc();
  const s = libcSockets();
  if (c === undefined || s === undefined) return undefined;
  const fd = connect(c, s, path);
  return blockingSocket(c, s, fd, events, timeoutMs);
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

/**
 * A connected socket, or a node-style error (ENOENT, ECONNREFUSED…) naming the path. Never waits:
 * a listening socket takes the connection at once, and one whose queue is full answers EAGAIN.
 */
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

function blockingSocket(
  c: Libc,
  s: LibcSockets,
  fd: number,
  events: SocketEvents,
  timeoutMs: number,
): UnixSocket {
  let closed = false;
  let scheduled = false;
  const pollFd = new Uint8Array(8);
  const pollView = new DataView(pollFd.buffer);
  pollView.setInt32(0, fd, true);
  const received = new Uint8Array(READ_BYTES);

  const close = (): void => {
    if (closed) return;
    closed = true;
    c.close(fd);
  };
  const lost = (error: Error): void => {
    if (closed) return;
    close();
    events.fail(error);
  };
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
  /** Reads until nothing more is awaited, the peer is gone, or the time is up. */
  const pump = (): void => {
    scheduled = false;
    const untilMs = performance.now() + timeoutMs;
    while (!closed && events.waiting()) {
      if (!ready(POLLIN, untilMs)) return;
      const got = c.read(fd, received, READ_BYTES);
      if (got > 0) {
        // A copy: the next read reuses the buffer, the client may keep a partial message.
        events.data(Buffer.from(received.subarray(0, got)));
      } else if (got === 0) {
        lost(new StoreError("D-Bus connection closed"));
      } else {
        const errno = c.errno();
        if (errno !== EAGAIN && errno !== EINTR) lost(systemCallError(errno, "read"));
      }
    }
  };

  const sendAll = (data: Uint8Array): void => {
    let rest = data;
    const untilMs = performance.now() + timeoutMs;
    while (!closed && rest.length > 0) {
      const sent = s.send(fd, rest, rest.length, MSG_NOSIGNAL);
      if (sent >= 0) {
        rest = rest.subarray(sent);
        continue;
      }
      const errno = c.errno();
      if (errno === EAGAIN) {
        if (!ready(POLLOUT, untilMs))
          lost(new StoreError(`the D-Bus socket took nothing for ${timeoutMs} ms`));
      } else if (errno !== EINTR) {
        lost(systemCallError(errno, "send"));
      }
    }
  };
  return {
    write(data) {
      const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
      sendAll(bytes);
      // Read once the caller's synchronous work is done: every call it sends now shares the wait.
      if (!closed && !scheduled) {
        scheduled = true;
        setImmediate(pump);
      }
    },
    close,
  };
}
