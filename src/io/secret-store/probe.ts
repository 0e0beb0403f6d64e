import type { ProbeOutcome } from "../../core/store/backend-choice.js";
import { errorSummary } from "../../core/errors.js";
import { DbusTimeoutError, openDbus, type DbusConnection } from "./dbus-connection.js";
import type { KeyringApi } from "./keyring-api.js";
import {
  SECRETS,
  SECRETS_PATH,
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
export async function probeSecretService(options: ProbeOptions): Promise<ProbeResult> {
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
 * Whether a Secret Service answers on `dbus`, and its default collection, when that is unlocked. A read
 * begun ahead gets its GetSecret sent beside the Locked question: one round trip for both.
 */
async function askCollection(
  dbus: DbusConnection,
  allowActivation: boolean,
  early?: ReadAhead,
): Promise<{ readonly outcome: ProbeOutcome; readonly collection?: string }> {
  try {
    // Without activation, the bus itself answers ReadAlias with an error at once when nobody owns the
    // name: no question of its own is needed to tell "no Secret Service" apart.
    const alias = await dbus.call({
      destination: SECRETS,
      path: SECRETS_PATH,
      interface: "org.freedesktop.Secret.Service",
      member: "ReadAlias",
      signature: "s",
      body: ["default"],
      noAutoStart: !allowActivation,
    });
    if (!alias.ok) {
      if (/ServiceUnknown|NameHasNoOwner/.test(alias.error))
        return { outcome: { state: "no-service", detail: `nobody owns ${SECRETS} on the session bus` } };
      const missing = /UnknownMethod|UnknownObject/.test(alias.error);
      return { outcome: { state: missing ? "no-service" : "error", detail: alias.error } };
    }
    const collection = alias.body[0];
    if (typeof collection !== "string" || collection === "/")
      return { outcome: { state: "no-collection", detail: "the Secret Service has no default collection" } };
    void early?.value();
    const locked = await dbus.call({
      destination: SECRETS,
      path: collection,
      interface: "org.freedesktop.DBus.Properties",
      member: "Get",
      signature: "ss",
      body: ["org.freedesktop.Secret.Collection", "Locked"],
    });
    if (!locked.ok) return { outcome: { state: "error", detail: locked.error } };
    const value = locked.body[0];
    const isLocked = typeof value === "object" && "value" in value ? value.value : undefined;
    return isLocked === false
      ? { outcome: { state: "ready", detail: `collection ${collection} is unlocked` }, collection }
      : { outcome: { state: "locked", detail: `collection ${collection} is locked` } };
  } catch (error) {
    const state = error instanceof DbusTimeoutError ? "timeout" : "error";
    return { outcome: { state, detail: errorSummary(error) } };
  }
}
