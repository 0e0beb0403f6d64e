import type { Platform } from "../../core/cache/cache-path.js";
import { WINDOWS_MAX_PART_CHARS } from "../../core/store/secret-chunks.js";
import { KEYRING_SERVICE, describeStore, type KeyringApi } from "./keyring-api.js";
import { loadKeyringAddon, type KeyringAddonEntry } from "./keyring-addon.js";

/**
 * Loads @napi-rs/keyring's native binding (kept out of the bundle and off the file-store hit path) for
 * the stores that need native code: macOS Keychain and Windows Credential Manager. Linux speaks the
 * Secret Service over D-Bus itself (src/io/secret-store/secret-service.ts), and no binding is
 * installed or embedded there.
 */
export function loadKeyring(platform: Pick<Platform, "os">): KeyringApi {
  // This module is itself loaded lazily, so the addon stays off the file-store hit path.
  const { Entry } = loadKeyringAddon();
  const entries = new Map<string, KeyringAddonEntry>();
  const entry = (account: string): KeyringAddonEntry => {
    let found = entries.get(account);
    if (found === undefined) {
      found = new Entry(KEYRING_SERVICE, account);
      entries.set(account, found);
    }
    return found;
  };
  // The addon's calls are synchronous; run inside a promise, their throws become rejections.
  const later = <T>(run: () => T): Promise<T> => Promise.resolve().then(run);
  return {
    description: describeStore(platform.os),
    maxPartChars: maxPartChars(platform.os),
    get: (account) => later(() => entry(account).getPassword() ?? undefined),
    set: (account, value) =>
      later(() => {
        entry(account).setPassword(value);
      }),
    delete: (account) => later(() => entry(account).deleteCredential()),
  };
}

/**
 * Windows caps a secret at 2,560 bytes (UTF-16). macOS has no documented cap for generic passwords,
 * but large items have been reported to fail; 4,000 characters costs little there (no D-Bus). The
 * Secret Service takes any size (src/io/secret-store/secret-service.ts stores values whole).
 */
function maxPartChars(os: NodeJS.Platform): number {
  if (os === "win32") return WINDOWS_MAX_PART_CHARS;
  if (os === "darwin") return 4_000;
  return Number.POSITIVE_INFINITY;
}
