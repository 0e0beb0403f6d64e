/**
 * What every secret-store edge shares: the native addon (src/io/secret-store/native-binding.ts, macOS and Windows)
 * and the Secret Service client (src/io/secret-store/secret-service.ts, Linux). A module of its own, so that
 * neither loads the other.
 */
export const KEYRING_SERVICE = "kube-credential-cache";

/** The OS secret store as kcc-cache uses it: text values under (service, account). Calls may reject. */
export interface KeyringApi {
  /** What the OS calls the store, for --status and debug output. */
  readonly description: string;
  /** The largest value one entry takes, in characters (see core/store/secret-chunks.ts). */
  readonly maxPartChars: number;
  get(account: string): Promise<string | undefined>;
  set(account: string, value: string): Promise<void>;
  /** true when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export function describeStore(os: NodeJS.Platform): string {
  if (os === "darwin") return "macOS Keychain";
  if (os === "win32") return "Windows Credential Manager";
  return "Secret Service (D-Bus)";
}
