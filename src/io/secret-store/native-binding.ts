import type { Platform } from "../../core/cache/cache-path.js";
import { WINDOWS_MAX_PART_CHARS } from "../../core/store/secret-chunks.js";
import { KEYRING_SERVICE, describeStore, type KeyringApi } from "./keyring-api.js";

/**
 * Loads @napi-rs/keyring (a native addon, kept out of the bundle and off the file-store hit path) for
 * the stores that need native code: macOS Keychain and Windows Credential Manager. Linux speaks the
 * Secret Service over D-Bus itself (src/io/secret-store/secret-service.ts); should this run there anyway, Linux is
 * pinned to the Secret Service, as the addon's default falls back silently to the kernel keyutils
 * store, which forgets everything at reboot (docs/secret-store.md).
 */
export function loadKeyring(platform: Pick<Platform, "os">): KeyringApi {
  // require, not import(): import() of a CommonJS package goes through the slower ESM loader. This
  // module is itself loaded lazily, so the addon stays off the file-store hit path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Entry } = require("@napi-rs/keyring") as typeof import("@napi-rs/keyring");
  const options = { linux: { store: "secret-service" as const } };
  const entries = new Map<string, InstanceType<typeof Entry>>();
  const entry = (account: string): InstanceType<typeof Entry> => {
    let found = entries.get(account);
    if (found === undefined) {
      found = new Entry(KEYRING_SERVICE, account, options);
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
