import type { Platform } from "../core/cache/cache-path.js";
import { WINDOWS_MAX_PART_CHARS } from "../core/store/secret-chunks.js";

export const KEYRING_SERVICE = "kube-credential-cache";

/** The OS secret store as kcc-cache uses it: text values under (service, account). Calls may throw. */
export interface KeyringApi {
  /** What the OS calls the store, for --status and debug output. */
  readonly description: string;
  /** The largest value one entry takes, in characters (see core/store/secret-chunks.ts). */
  readonly maxPartChars: number;
  get(account: string): string | undefined;
  set(account: string, value: string): void;
  /** true when something was deleted. */
  delete(account: string): boolean;
}

/**
 * Loads @napi-rs/keyring (a native addon, kept out of the bundle and off the file-store hit path)
 * and pins Linux to the Secret Service: its default silently falls back to the kernel keyutils
 * store, which forgets everything at reboot and is not what users inspect (docs/secret-store.md).
 * Each Entry opens its own D-Bus connection on Linux (~10 ms), so entries are reused per account.
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
  return {
    description: describeStore(platform.os),
    maxPartChars: maxPartChars(platform.os),
    get: (account) => entry(account).getPassword() ?? undefined,
    set: (account, value) => {
      entry(account).setPassword(value);
    },
    delete: (account) => entry(account).deleteCredential(),
  };
}

function describeStore(os: NodeJS.Platform): string {
  if (os === "darwin") return "macOS Keychain";
  if (os === "win32") return "Windows Credential Manager";
  return "Secret Service (D-Bus)";
}

/**
 * Windows caps a secret at 2,560 bytes (UTF-16). macOS has no documented cap for generic passwords,
 * but large items have been reported to fail; 4,000 characters costs little there (no D-Bus). The
 * Secret Service takes any size, and every extra entry costs a D-Bus connection, so no split.
 */
function maxPartChars(os: NodeJS.Platform): number {
  if (os === "win32") return WINDOWS_MAX_PART_CHARS;
  if (os === "darwin") return 4_000;
  return Number.POSITIVE_INFINITY;
}
