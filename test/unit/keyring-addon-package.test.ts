import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { KEYRING_ADDON_PACKAGES, keyringAddonPackage } from "../../src/core/store/keyring-addon-package.js";
import { loadKeyringAddon } from "../../src/io/secret-store/keyring-addon.js";

const ROOT = join(__dirname, "..", "..");

interface Locked {
  readonly version: string;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly optionalDependencies?: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
  readonly packages: Record<string, Locked>;
};
const locked = (name: string): Locked => {
  const entry = lock.packages[`node_modules/${name}`];
  if (entry === undefined) throw new Error(`${name} is not in package-lock.json`);
  return entry;
};

test("the package installs exactly the bindings kcc-cache loads, as optional dependencies", () => {
  const bindings = Object.keys(pkg.optionalDependencies ?? {}).filter((name) => name.startsWith("@napi-rs/"));
  assert.deepEqual(bindings.sort(), Object.values(KEYRING_ADDON_PACKAGES).sort());
  assert.equal(
    Object.keys(pkg.dependencies ?? {}).filter((name) => name.startsWith("@napi-rs/")).length,
    0,
    "a dependency on @napi-rs/keyring itself would install its Linux build on every Linux machine",
  );
});

test("each binding's package is @napi-rs/keyring's own build for that platform, at the tested version", () => {
  // The tests run @napi-rs/keyring (a devDependency) against the Secret Service: the same release.
  const tested = locked("@napi-rs/keyring");
  for (const [platform, name] of Object.entries(KEYRING_ADDON_PACKAGES)) {
    assert.equal(pkg.optionalDependencies?.[name], tested.version, `${name} pinned to the tested version`);
    assert.ok(
      tested.optionalDependencies?.[name] !== undefined,
      `${name} is one of @napi-rs/keyring's builds`,
    );
    const entry = locked(name);
    assert.equal(entry.version, tested.version, name);
    // npm installs it only where its os and cpu match the platform it is chosen for.
    assert.equal(`${entry.os?.join()}-${entry.cpu?.join()}`, platform, name);
    const [os = "", arch = ""] = platform.split("-");
    assert.equal(keyringAddonPackage(os, arch), name);
  }
});

test("no binding where kcc-cache speaks the store itself or none is built", () => {
  for (const [os, arch] of [
    ["linux", "x64"],
    ["linux", "arm64"],
    ["freebsd", "x64"],
    ["darwin", "ia32"],
    ["win32", "constructor"],
  ] as const)
    assert.equal(keyringAddonPackage(os, arch), undefined, `${os}-${arch}`);
});

test("under Node on Linux the loader says there is no binding", (t) => {
  if (process.platform !== "linux") {
    t.skip("the Linux answer is tested on Linux");
    return;
  }
  assert.throws(loadKeyringAddon, {
    message: `no native secret-store binding is built for linux-${process.arch}`,
  });
});
