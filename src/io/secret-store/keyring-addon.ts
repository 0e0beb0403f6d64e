import { keyringAddonPackage } from "../../core/store/keyring-addon-package.js";

/** What kcc-cache uses of @napi-rs/keyring's native binding (its `Entry` class). */
export interface KeyringAddon {
  readonly Entry: new (service: string, account: string) => KeyringAddonEntry;
}

export interface KeyringAddonEntry {
  getPassword(): string | null | undefined;
  setPassword(password: string): void;
  deleteCredential(): boolean;
}

/**
 * Requires this platform's binding from its npm package (core/store/keyring-addon-package.ts). The
 * standalone binaries replace this module at build time with one that requires the addon they embed
 * (scripts/build-bin.mjs), so this one runs only under Node.
 */
export function loadKeyringAddon(): KeyringAddon {
  const name = keyringAddonPackage(process.platform, process.arch);
  if (name === undefined)
    throw new Error(`no native secret-store binding is built for ${process.platform}-${process.arch}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name) as KeyringAddon;
}
