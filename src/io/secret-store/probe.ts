import type { ProbeOutcome } from "../../core/store/backend-choice.js";
import { errorSummary } from "../../core/errors.js";
import { DbusTimeoutError, continueDbus, openDbus, type DbusConnection } from "./dbus-connection.js";
import type { KeyringApi } from "./keyring-api.js";
import { connectLibcSocket, libcSocketOver, type LibcConnection } from "./libc-socket.js";
import { startExchange, type AtOnce } from "./probe-at-once.js";
import { collectionOf, lockedCall, lockedOutcome, readAliasCall } from "./default-collection.js";
import {
  answeredReadAhead,
  createSecretServiceKeyring,
  startReadAhead,
  type ReadAhead,
} from "./secret-service.js";

export interface ProbeOptions {
  /** The unix socket to connect to (from locateSessionBus; abstract ones start with NUL). */
  readonly socket: string;
  readonly uid: number;
  readonly timeoutMs: number;
  /** Auto mode asks only a running Secret Service; a forced keyring may D-Bus-activate one. */
  readonly allowActivation: boolean;
  /**
   * The account this call will read first, if it knows: its read goes out with the probe's questions
   * instead of after them (src/io/secret-store/secret-service.ts, startReadAhead).
   */
  readonly readAhead?: string;
}

export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  /** Only when the outcome is "ready": the store, over the probe's own connection. */
  readonly store?: SecretServiceStore;
}

export interface SecretServiceStore {
  readonly keyring: KeyringApi;
  /** Asks again, over the same connection and with the same deadline, whether the store is usable. */
  readonly askAgain: () => Promise<ProbeOutcome>;
}

/**
 * Asks the session bus, within a deadline, whether a Secret Service runs and whether its default
 * collection (where keyring entries go) is unlocked; when it is, the connection stays open and the
 * store reads and writes over it (one connection per call: docs/secret-store.md). Nothing here can
 * block: on timeout the socket is closed and the answer is "timeout". A locked collection is
 * reported, never unlocked: unlocking shows a prompt, and kubectl must not wait on one.
 */
export function probeSecretService(options: ProbeOptions): Promise<ProbeResult> {
  return startSecretServiceProbe(options).result();
}

/** A probe under way: its result, or, where the caller no longer wants it, its connection closed. */
export interface StartedProbe {
  /** `whileWaiting`: the caller's own work, run while the daemons answer where the probe waits for them. */
  readonly result: (whileWaiting?: () => void) => Promise<ProbeResult>;
  readonly abandon: () => void;
}

/**
 * The probe, begun: on the Linux binaries, a probe with a read-ahead (a keyring hit) has sent its
 * first questions when this returns, and the daemons answer while the caller does other work
 * (src/flows/choose-store.ts checks the cache location meanwhile); its result is then read at once
 * (src/io/secret-store/probe-at-once.ts). Elsewhere the probe starts when its result is asked for.
 */
export function startSecretServiceProbe(options: ProbeOptions): StartedProbe {
  const { readAhead } = options;
  const later: StartedProbe = { result: () => probeAsynchronously(options), abandon: () => undefined };
  if (readAhead === undefined) return later;
  let connection: LibcConnection | undefined;
  try {
    connection = connectLibcSocket(options.socket);
  } catch (error) {
    return answered({ state: "no-bus", detail: errorSummary(error) });
  }
  if (connection === undefined) return later;
  const opened = connection;
  let exchange: { readonly finish: (whileWaiting?: () => void) => AtOnce };
  try {
    exchange = startExchange({ ...options, account: readAhead }, opened);
  } catch (error) {
    opened.close();
    return answered({ state: "error", detail: errorSummary(error) });
  }
  return {
    result: (whileWaiting) =>
      Promise.resolve(carryOn(options, readAhead, opened, () => exchange.finish(whileWaiting))),
    abandon: () => {
      opened.close();
    },
  };
}

/** A probe whose answer is known before it asked anything (no socket to connect to). */
const answered = (outcome: ProbeOutcome): StartedProbe => ({
  result: () => Promise.resolve({ outcome }),
  abandon: () => undefined,
});

async function probeAsynchronously(options: ProbeOptions): Promise<ProbeResult> {
  let connection: DbusConnection | undefined;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => {
      resolve({ outcome: { state: "timeout", detail: `no answer within ${options.timeoutMs} ms` } });
    }, options.timeoutMs);
  });
  const ask = async (): Promise<ProbeResult> => {
    try {
      connection = await openDbus(options);
    } catch (error) {
      return { outcome: { state: "no-bus", detail: errorSummary(error) } };
    }
    // Connected only after the deadline: nobody is waiting for this answer any more.
    if (finished) connection.close();
    const dbus = connection;
    // Everything below is sent before the bus has even accepted us (openDbus pipelines).
    const early =
      options.readAhead === undefined
        ? undefined
        : startReadAhead(dbus, options.readAhead, !options.allowActivation);
    const asking = askCollection(dbus, options.allowActivation, early);
    try {
      await dbus.ready;
    } catch (error) {
      return { outcome: { state: "no-bus", detail: errorSummary(error) } };
    }
    const first = await asking;
    if (first.outcome.state !== "ready" || first.collection === undefined) return first;
    const store: SecretServiceStore = {
      keyring: createSecretServiceKeyring(dbus, first.collection, early),
      askAgain: async () => (await askCollection(dbus, options.allowActivation)).outcome,
    };
    return { outcome: first.outcome, store };
  };
  let result: ProbeResult | undefined;
  try {
    result = await Promise.race([
      ask().catch((error: unknown) => ({
        outcome: { state: "error" as const, detail: errorSummary(error) },
      })),
      deadline,
    ]);
    return result;
  } finally {
    finished = true;
    clearTimeout(timer);
    if (result?.store === undefined) connection?.close();
  }
}

/**
 * The exchange at once, finished; where the store is ready, the asynchronous client carries on over
 * the same connection: a write after a miss, asking again before it, and any later read use it, as
 * after the asynchronous probe.
 */
function carryOn(
  options: ProbeOptions,
  account: string,
  connection: LibcConnection,
  finish: () => AtOnce,
): ProbeResult {
  let done: AtOnce;
  try {
    done = finish();
  } catch (error) {
    connection.close();
    return { outcome: { state: "error", detail: errorSummary(error) } };
  }
  if (done.ready === undefined) {
    connection.close();
    return { outcome: done.outcome };
  }
  // Made on first use: a hit is served from the exchange and never calls it, and making it took a
  // keyring hit 0.3 ms (docs/startup.md, "Replies read in one pass").
  let client: DbusConnection | undefined;
  const { serial, received } = done;
  const connected = (): DbusConnection =>
    (client ??= continueDbus((events) => libcSocketOver(connection, events, options.timeoutMs), {
      timeoutMs: options.timeoutMs,
      serial,
      received,
    }));
  const dbus: DbusConnection = {
    call: (message) => connected().call(message),
    get ready() {
      return connected().ready;
    },
    close: () => {
      if (client === undefined) connection.close();
      else client.close();
    },
  };
  const { collection, session, read } = done.ready;
  const early = answeredReadAhead(account, session, read);
  return {
    outcome: done.outcome,
    store: {
      keyring: createSecretServiceKeyring(dbus, collection, early),
      askAgain: async () => (await askCollection(dbus, options.allowActivation)).outcome,
    },
  };
}

/**
 * Whether a Secret Service answers on `dbus`, and its default collection, when that is unlocked. A read
 * begun ahead gets its GetSecret sent beside the Locked question: one round trip for both.
 */
async function askCollection(
  dbus: DbusConnection,
  allowActivation: boolean,
  early?: ReadAhead,
): Promise<{ readonly outcome: ProbeOutcome; readonly collection?: string }> {
  try {
    const alias = collectionOf(await dbus.call(readAliasCall(allowActivation)));
    if ("outcome" in alias) return alias;
    const { collection } = alias;
    void early?.value();
    const outcome = lockedOutcome(collection, await dbus.call(lockedCall(collection)));
    return outcome.state === "ready" ? { outcome, collection } : { outcome };
  } catch (error) {
    const state = error instanceof DbusTimeoutError ? "timeout" : "error";
    return { outcome: { state, detail: errorSummary(error) } };
  }
}
