import { StoreError } from "../../core/errors.js";
import { variant, type DbusValue } from "../../core/store/dbus-marshal.js";
import type { MethodCall } from "../../core/store/dbus-message.js";
import type { DbusConnection } from "./dbus-connection.js";
import { KEYRING_SERVICE, describeStore, type KeyringApi } from "./keyring-api.js";

export const SECRETS = "org.freedesktop.secrets";
export const SECRETS_PATH = "/org/freedesktop/secrets";
const GENERIC_SCHEMA = "org.freedesktop.Secret.Generic";

/**
 * The Secret Service API spoken over the probe's D-Bus connection (src/io/secret-store/probe.ts): a
 * "plain" session (the secret crosses only the local bus socket, as with go-keyring), SearchItems by
 * service and account, Item.GetSecret, Collection.CreateItem with replace, Item.Delete. Entries look
 * exactly as the native addon writes them (label, attributes, schema), so entries from before this
 * client are found and a downgrade reads what this one wrote (docs/secret-store.md). A prompt is never
 * followed: a write or delete that would need one did not happen. Values are stored whole.
 */
export function createSecretServiceKeyring(dbus: DbusConnection, collection: string): KeyringApi {
  let session: Promise<string> | undefined;
  const call = async (member: string, message: Omit<MethodCall, "destination" | "member">) => {
    const reply = await dbus.call({ destination: SECRETS, member, ...message });
    // The service's error name says what failed; its free text is left out of messages on purpose.
    if (!reply.ok) throw new StoreError(`Secret Service ${member} failed (${reply.error})`);
    return reply.body;
  };
  const openSession = async (): Promise<string> => {
    const [, path] = await call("OpenSession", {
      path: SECRETS_PATH,
      interface: "org.freedesktop.Secret.Service",
      signature: "sv",
      body: ["plain", variant("s", "")],
    });
    if (typeof path !== "string") throw new StoreError("Secret Service OpenSession gave no session");
    return path;
  };
  const ensureSession = (): Promise<string> => {
    if (session === undefined) {
      session = openSession();
      // Awaited only where an item is found; a failure no one awaits must not end the process.
      session.catch(() => undefined);
    }
    return session;
  };
  /** The unlocked items holding `account`; items only in locked collections cannot be read without a prompt. */
  const find = async (account: string): Promise<string[]> => {
    const [unlocked] = await call("SearchItems", {
      path: SECRETS_PATH,
      interface: "org.freedesktop.Secret.Service",
      signature: "a{ss}",
      body: [
        [
          ["service", KEYRING_SERVICE],
          ["username", account],
        ],
      ],
    });
    return Array.isArray(unlocked) ? unlocked.filter((path) => typeof path === "string") : [];
  };
  const promptless = (prompt: DbusValue | undefined, member: string): void => {
    if (prompt !== "/") throw new StoreError(`Secret Service ${member} asks for a prompt; not followed`);
  };
  const removeItem = async (item: string): Promise<void> => {
    const [prompt] = await call("Delete", { path: item, interface: "org.freedesktop.Secret.Item" });
    promptless(prompt, "Delete");
  };
  return {
    description: describeStore("linux"),
    maxPartChars: Number.POSITIVE_INFINITY,
    async get(account) {
      // Sent together: one round trip less on a hit, a session left unused on a miss.
      const opened = ensureSession();
      const [item] = await find(account);
      if (item === undefined) return undefined;
      const [secret] = await call("GetSecret", {
        path: item,
        interface: "org.freedesktop.Secret.Item",
        signature: "o",
        body: [await opened],
      });
      const value: DbusValue | undefined = Array.isArray(secret) ? (secret as DbusValue[])[2] : undefined;
      if (!(value instanceof Uint8Array)) throw new StoreError("Secret Service GetSecret gave no secret");
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8");
    },
    async set(account, value) {
      const opened = ensureSession();
      const before = await find(account);
      const [created, prompt] = await call("CreateItem", {
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
      const items = await find(account);
      for (const item of items) await removeItem(item);
      return items.length > 0;
    },
  };
}
