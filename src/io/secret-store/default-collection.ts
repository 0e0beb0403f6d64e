import type { ProbeOutcome } from "../../core/store/backend-choice.js";
import type { DbusReply, MethodCall } from "../../core/store/dbus-message.js";
import { SECRETS, SECRETS_PATH } from "./secret-service.js";

/**
 * The probe's two questions (src/io/secret-store/probe.ts and probe-at-once.ts): which collection is
 * the default, where keyring entries go, and whether it is unlocked. A locked one is reported, never
 * unlocked: unlocking shows a prompt, and kubectl must not wait on one.
 */
export const readAliasCall = (allowActivation: boolean): MethodCall => ({
  destination: SECRETS,
  path: SECRETS_PATH,
  interface: "org.freedesktop.Secret.Service",
  member: "ReadAlias",
  signature: "s",
  body: ["default"],
  // Without activation, the bus itself answers at once with an error when nobody owns the name: no
  // question of its own is needed to tell "no Secret Service" apart.
  noAutoStart: !allowActivation,
});

/** The default collection's path, or the outcome that says why there is none to use. */
export function collectionOf(
  reply: DbusReply,
): { readonly collection: string } | { readonly outcome: ProbeOutcome } {
  if (!reply.ok) {
    if (/ServiceUnknown|NameHasNoOwner/.test(reply.error))
      return { outcome: { state: "no-service", detail: `nobody owns ${SECRETS} on the session bus` } };
    const missing = /UnknownMethod|UnknownObject/.test(reply.error);
    return { outcome: { state: missing ? "no-service" : "error", detail: reply.error } };
  }
  const collection = reply.body[0];
  return typeof collection !== "string" || collection === "/"
    ? { outcome: { state: "no-collection", detail: "the Secret Service has no default collection" } }
    : { collection };
}

export const lockedCall = (collection: string): MethodCall => ({
  destination: SECRETS,
  path: collection,
  interface: "org.freedesktop.DBus.Properties",
  member: "Get",
  signature: "ss",
  body: ["org.freedesktop.Secret.Collection", "Locked"],
});

export function lockedOutcome(collection: string, reply: DbusReply): ProbeOutcome {
  if (!reply.ok) return { state: "error", detail: reply.error };
  const value = reply.body[0];
  const isLocked = typeof value === "object" && "value" in value ? value.value : undefined;
  return isLocked === false
    ? { state: "ready", detail: `collection ${collection} is unlocked` }
    : { state: "locked", detail: `collection ${collection} is locked` };
}
