/**
 * The npm package that holds the native secret-store binding for a platform: @napi-rs/keyring's own
 * build for it, installed as one of kube-credential-cache's optional dependencies (npm installs only
 * the one whose `os` and `cpu` match). Only macOS and Windows have one: Linux speaks the Secret Service
 * itself and needs no native code (docs/secret-store.md, "The native binding").
 *
 * Depending on these packages rather than on @napi-rs/keyring keeps the addon off a Linux install
 * altogether (npm cannot make a dependency depend on the platform, and @napi-rs/keyring pulls in the
 * Linux build), and loads the binding without @napi-rs/keyring's loader, which also loads whatever
 * library `NAPI_RS_NATIVE_LIBRARY_PATH` names.
 */
export const KEYRING_ADDON_PACKAGES: Readonly<Record<string, string>> = {
  "darwin-arm64": "@napi-rs/keyring-darwin-arm64",
  "darwin-x64": "@napi-rs/keyring-darwin-x64",
  "win32-arm64": "@napi-rs/keyring-win32-arm64-msvc",
  "win32-ia32": "@napi-rs/keyring-win32-ia32-msvc",
  "win32-x64": "@napi-rs/keyring-win32-x64-msvc",
};

/** The binding's package for `os` and `arch` (Node's names), or undefined where none is needed or built. */
export function keyringAddonPackage(os: string, arch: string): string | undefined {
  const key = `${os}-${arch}`;
  return Object.hasOwn(KEYRING_ADDON_PACKAGES, key) ? KEYRING_ADDON_PACKAGES[key] : undefined;
}
