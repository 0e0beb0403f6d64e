import type { ProbeOutcome } from "../core/store/backend-choice.js";
import { errorSummary } from "../core/errors.js";
import { openDbus, type DbusConnection } from "./keyring-dbus.js";

const SECRETS = "org.freedesktop.secrets";
const SECRETS_PATH = "/org/freedesktop/secrets";

export interface ProbeOptions {
  /** The unix socket to connect to (from locateSessionBus; abstract ones start with NUL). */
  readonly socket: string;
  readonly uid: number;
  readonly timeoutMs: number;
  /** Auto mode asks only a running Secret Service; a forced keyring may D-Bus-activate one. */
  readonly allowActivation: boolean;
}

/**
 * Asks the session bus, within a deadline, whether a Secret Service runs and whether its default
 * collection (where keyring entries go) is unlocked. Nothing here can block: on timeout the socket
 * is closed and the answer is "timeout". A locked collection is reported, never unlocked: unlocking
 * shows a prompt, and kubectl must not wait on one.
 */
export async function probeSecretService(options: ProbeOptions): Promise<ProbeOutcome> {
  let connection: DbusConnection | undefined;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({ state: "timeout", detail: `no answer within ${options.timeoutMs} ms` });
    }, options.timeoutMs);
  });
  const ask = async (): Promise<ProbeOutcome> => {
    try {
      connection = await openDbus(options.socket, options.uid);
    } catch (error) {
      return { state: "no-bus", detail: errorSummary(error) };
    }
    // Connected only after the deadline: nobody is waiting for this answer any more.
    if (finished) connection.close();
    const dbus = connection;
    if (!options.allowActivation) {
      const owned = await dbus.call({
        destination: "org.freedesktop.DBus",
        path: "/org/freedesktop/DBus",
        interface: "org.freedesktop.DBus",
        member: "NameHasOwner",
        args: [SECRETS],
      });
      if (owned.ok && owned.value === false)
        return { state: "no-service", detail: `nobody owns ${SECRETS} on the session bus` };
    }
    const alias = await dbus.call({
      destination: SECRETS,
      path: SECRETS_PATH,
      interface: "org.freedesktop.Secret.Service",
      member: "ReadAlias",
      args: ["default"],
      noAutoStart: !options.allowActivation,
    });
    if (!alias.ok) {
      const missing = /ServiceUnknown|NameHasNoOwner|UnknownMethod|UnknownObject/.test(alias.error);
      return { state: missing ? "no-service" : "error", detail: alias.error };
    }
    if (typeof alias.value !== "string" || alias.value === "/")
      return { state: "no-collection", detail: "the Secret Service has no default collection" };
    const locked = await dbus.call({
      destination: SECRETS,
      path: alias.value,
      interface: "org.freedesktop.DBus.Properties",
      member: "Get",
      args: ["org.freedesktop.Secret.Collection", "Locked"],
    });
    if (!locked.ok) return { state: "error", detail: locked.error };
    return locked.value === true
      ? { state: "locked", detail: `collection ${alias.value} is locked` }
      : { state: "ready", detail: `collection ${alias.value} is unlocked` };
  };
  try {
    return await Promise.race([
      ask().catch((error: unknown) => ({ state: "error" as const, detail: errorSummary(error) })),
      deadline,
    ]);
  } finally {
    finished = true;
    clearTimeout(timer);
    connection?.close();
  }
}
