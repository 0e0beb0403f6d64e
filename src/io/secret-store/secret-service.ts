import { StoreError } from "../../core/errors.js";
import { variant, type DbusValue } from "../../core/store/dbus-marshal.js";
import type { DbusReply, MethodCall } from "../../core/store/dbus-message.js";
import type { DbusConnection } from "./dbus-connection.js";
import { KEYRING_SERVICE, describeStore, type KeyringApi } from "./keyring-api.js";

export const SECRETS = "org.freedesktop.secrets";
export const SECRETS_PATH = "/org/freedesktop/secrets";
const GENERIC_SCHEMA = "org.freedesktop.Secret.Generic";

type Call = Omit<MethodCall, "destination" | "member">;

/** The reply's values, or the StoreError its error is: the name says what failed. */
export function answerOf(member: string, reply: DbusReply): readonly DbusValue[] {
  // The service's free text is left out of messages on purpose.
  if (!reply.ok) throw new StoreError(`Secret Service ${member} failed (${reply.error})`);
  return reply.body;
}

async function ask(dbus: DbusConnection, member: string, message: Call): Promise<readonly DbusValue[]> {
  return answerOf(member, await dbus.call({ destination: SECRETS, member, ...message }));
}

/*
 * The read's three calls, and what their answers hold. Asked here over the asynchronous client, and
 * by a keyring hit's exchange at once (src/io/secret-store/probe-at-once.ts).
 */

/** A "plain" session: the secret crosses only the local bus socket, as with go-keyring. */
export const openSessionCall = (noAutoStart: boolean): MethodCall => ({
  destination: SECRETS,
  member: "OpenSession",
  path: SECRETS_PATH,
  interface: "org.freedesktop.Secret.Service",
  signature: "sv",
  body: ["plain", variant("s", "")],
  noAutoStart,
});

/** The session OpenSession's answer names, if it names one. */
export function openedSession(body: readonly DbusValue[]): string | undefined {
  const path = body[1];
  return typeof path === "string" ? path : undefined;
}

export function sessionOf(body: readonly DbusValue[]): string {
  const path = openedSession(body);
  if (path === undefined) throw new StoreError("Secret Service OpenSession gave no session");
  return path;
}

export const searchItemsCall = (account: string, noAutoStart: boolean): MethodCall => ({
  destination: SECRETS,
  member: "SearchItems",
  path: SECRETS_PATH,
  interface: "org.freedesktop.Secret.Service",
  signature: "a{ss}",
  body: [
    [
      ["service", KEYRING_SERVICE],
      ["username", account],
    ],
  ],
  noAutoStart,
});

/** The unlocked items found; items only in locked collections cannot be read without a prompt. */
export function unlockedItemsOf(body: readonly DbusValue[]): string[] {
  const [unlocked] = body;
  const items: string[] = [];
  // A loop, not filter: no array builtin on a keyring hit (docs/startup.md, "Builtins a hit compiles").
  if (Array.isArray(unlocked)) for (const path of unlocked) if (typeof path === "string") items.push(path);
  return items;
}

export const getSecretCall = (item: string, session: string): MethodCall => ({
  destination: SECRETS,
  member: "GetSecret",
  path: item,
  interface: "org.freedesktop.Secret.Item",
  signature: "o",
  body: [session],
});

/** The secret's value as text (entries are written as UTF-8 text/plain). */
export function secretTextOf(body: readonly DbusValue[]): string {
  const [secret] = body;
  const value: DbusValue | undefined = Array.isArray(secret) ? (secret as DbusValue[])[2] : undefined;
  if (!(value instanceof Uint8Array)) throw new StoreError("Secret Service GetSecret gave no secret");
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8");
}

async function openSession(dbus: DbusConnection, noAutoStart: boolean): Promise<string> {
  return sessionOf(answerOf("OpenSession", await dbus.call(openSessionCall(noAutoStart))));
}

async function findItems(dbus: DbusConnection, account: string, noAutoStart = false): Promise<string[]> {
  return unlockedItemsOf(answerOf("SearchItems", await dbus.call(searchItemsCall(account, noAutoStart))));
}

async function readSecret(dbus: DbusConnection, item: string, session: string): Promise<string> {
  return secretTextOf(answerOf("GetSecret", await dbus.call(getSecretCall(item, session))));
}

/** The first unlocked item's value, or undefined when no unlocked item holds the account. */
async function readFirst(
  dbus: DbusConnection,
  items: Promise<string[]>,
  session: Promise<string>,
): Promise<string | undefined> {
  const [item] = await items;
  return item === undefined ? undefined : readSecret(dbus, item, await session);
}

/**
 * A read of one account begun before the store is chosen: its session and search go out with the
 * probe's first questions, its GetSecret beside the probe's last (src/io/secret-store/probe.ts), so a
 * keyring hit costs two round trips after connecting. Nothing of it is used unless the probe says
 * the store is ready; a search never unlocks anything, so it can never show a prompt.
 */
export interface ReadAhead {
  readonly account: string;
  /** The session the read opened; undefined where it is not known, and the store opens one when needed. */
  readonly session: Promise<string> | undefined;
  /** The value (undefined: no unlocked item), asked for once the search has answered. */
  readonly value: () => Promise<string | undefined>;
}

export function startReadAhead(dbus: DbusConnection, account: string, noAutoStart: boolean): ReadAhead {
  const session = openSession(dbus, noAutoStart);
  const items = findItems(dbus, account, noAutoStart);
  // Used only if the store is chosen: a failure nobody awaits must not end the process.
  session.catch(() => undefined);
  items.catch(() => undefined);
  let value: Promise<string | undefined> | undefined;
  return {
    account,
    session,
    value: () => {
      if (value === undefined) {
        value = readFirst(dbus, items, session);
        value.catch(() => undefined);
      }
      return value;
    },
  };
}

/**
 * A read-ahead that a keyring hit's exchange at once has already answered
 * (src/io/secret-store/probe-at-once.ts): the store's first read of the account is its value.
 */
export function answeredReadAhead(
  account: string,
  session: string | undefined,
  read: { readonly value: string | undefined } | { readonly error: Error },
): ReadAhead {
  const value = "error" in read ? Promise.reject(read.error) : Promise.resolve(read.value);
  // Used only if the store reads that account first: a failure nobody awaits must not end the process.
  value.catch(() => undefined);
  return {
    account,
    session: session === undefined ? undefined : Promise.resolve(session),
    value: () => value,
  };
}

/**
 * The Secret Service API spoken over the probe's D-Bus connection (src/io/secret-store/probe.ts): a
 * "plain" session (the secret crosses only the local bus socket, as with go-keyring), SearchItems by
 * service and account, Item.GetSecret, Collection.CreateItem with replace, Item.Delete. Entries look
 * exactly as the native addon writes them (label, attributes, schema), so entries from before this
 * client are found and a downgrade reads what this one wrote (docs/secret-store.md). A prompt is never
 * followed: a write or delete that would need one did not happen. Values are stored whole. The first
 * read of `readAhead`'s account is the one the probe began.
 */
export function createSecretServiceKeyring(
  dbus: DbusConnection,
  collection: string,
  readAhead?: ReadAhead,
): KeyringApi {
  let session: Promise<string> | undefined = readAhead?.session;
  let early = readAhead;
  const ensureSession = (): Promise<string> => {
    if (session === undefined) {
      session = openSession(dbus, false);
      // Awaited only where an item is found; a failure no one awaits must not end the process.
      session.catch(() => undefined);
    }
    return session;
  };
  const promptless = (prompt: DbusValue | undefined, member: string): void => {
    if (prompt !== "/") throw new StoreError(`Secret Service ${member} asks for a prompt; not followed`);
  };
  const removeItem = async (item: string): Promise<void> => {
    const [prompt] = await ask(dbus, "Delete", { path: item, interface: "org.freedesktop.Secret.Item" });
    promptless(prompt, "Delete");
  };
  return {
    description: describeStore("linux"),
    maxPartChars: Number.POSITIVE_INFINITY,
    async get(account) {
      // Only the first read is the probe's: a read after waiting for a refresh lock must ask afresh.
      if (early?.account === account) {
        const value = early.value();
        early = undefined;
        return value;
      }
      early = undefined;
      // Sent together: one round trip less on a hit, a session left unused on a miss.
      return readFirst(dbus, findItems(dbus, account), ensureSession());
    },
    async set(account, value) {
      early = undefined;
      const opened = ensureSession();
      const before = await findItems(dbus, account);
      const [created, prompt] = await ask(dbus, "CreateItem", {
        path: collection,
        interface: "org.freedesktop.Secret.Collection",
        signature: "a{sv}(oayays)b",
        body: [
          [
            ["org.freedesktop.Secret.Item.Label", variant("s", `keyring:${account}@${KEYRING_SERVICE}`)],
            [
              "org.freedesktop.Secret.Item.Attributes",
              variant("a{ss}", [
                ["service", KEYRING_SERVICE],
                ["username", account],
                ["xdg:schema", GENERIC_SCHEMA],
              ]),
            ],
          ],
          [await opened, new Uint8Array(0), Buffer.from(value, "utf8"), "text/plain"],
          true,
        ],
      });
      promptless(prompt, "CreateItem");
      // "replace" matches all attributes: an entry written without the schema attribute would stay
      // beside ours, and the addon refuses to read an account with two entries.
      for (const item of before) if (item !== created) await removeItem(item);
    },
    async delete(account) {
      early = undefined;
      const items = await findItems(dbus, account);
      for (const item of items) await removeItem(item);
      return items.length > 0;
    },
  };
}
