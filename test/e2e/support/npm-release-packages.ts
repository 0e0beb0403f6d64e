// The npm side of a release, packed as `npm run release` packs it, for the tests that install it: this
// repository's main package, pinned to a linux-x64 platform package of a given binary.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ReleaseInfo } from "../../../scripts/release-manifests.js";
import { packPlatformPackage, pinPlatformPackages } from "../../../scripts/release-npm-platform.js";
import { builtBinaryName } from "../../../scripts/release-targets.js";
import { writeFakePlugin } from "./fake-plugin.js";
import { assertOk } from "./kcc-cache.js";
import { sha256 } from "./release-run.js";
import { run, type RunResult } from "./run.js";
import type { Sandbox } from "./sandbox.js";

export const ROOT = resolve(__dirname, "..", "..", "..");
export const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
  .version;
const LINUX_X64 = { os: "linux", arch: "x64" } as const;
export const PLATFORM_PACKAGE = "@kube-credential-cache/linux-x64";
/** The file name build:bin gives the linux-x64 binary. */
export const LINUX_X64_BINARY = builtBinaryName(LINUX_X64);
const RELEASE: ReleaseInfo = {
  version: VERSION,
  homepage: "https://github.com/example/kube-credential-cache",
  releasesUrl: "https://github.com/example/kube-credential-cache/releases",
  license: "MIT",
};

/**
 * Packs the platform package of `binary` and this repository into `dir`, the main package listing the
 * platform package at `platformSpec` (a version, or `file:` + the returned platform tarball when undefined)
 * and recording the digest of `recorded` (by default the binary packed). Returns both tarballs' paths.
 */
export function packRelease(
  dir: string,
  binary: string,
  options: { platformSpec?: string; recorded?: string } = {},
): { main: string; platform: string } {
  const platform = join(
    dir,
    packPlatformPackage(
      PLATFORM_PACKAGE,
      LINUX_X64,
      new Map([[LINUX_X64_BINARY, binary]]),
      ROOT,
      RELEASE,
      dir,
    ),
  );
  const packed = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  assert.ok(packed !== undefined);
  const main = join(dir, packed);
  pinPlatformPackages(main, {
    dependencies: { [PLATFORM_PACKAGE]: options.platformSpec ?? `file:${platform}` },
    sha256: { [PLATFORM_PACKAGE]: sha256(readFileSync(options.recorded ?? binary)) },
  });
  return { main, platform };
}

/** What `<command> --version` prints: the command and this version, then maybe the runtime and commit. */
export function versionLine(command: string): RegExp {
  return new RegExp(`^${command} ${VERSION.replace(/\./g, "\\.")}( \\(.*\\))?\n$`);
}

/** Two calls as kubectl makes them: the second is a hit, served without running the plugin. */
export async function assertHit(sandbox: Sandbox, kccCache: string): Promise<void> {
  const plugin = writeFakePlugin(sandbox, "token-plugin");
  const call = (): Promise<RunResult> =>
    run("/bin/sh", ["-c", '"$0" "$@"; exit $?', kccCache, plugin.path], { env: sandbox.env });
  const first = await call();
  assertOk(first);
  const second = await call();
  assertOk(second);
  assert.equal(second.stdout, first.stdout);
  assert.equal(plugin.runs(), 1, "the second call is served from the cache");
}
