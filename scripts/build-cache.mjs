// Where build:bin keeps what it fetches for other platforms (bun's runtimes, the keyring addons), so
// that later builds need no network. Read by the build, by the tests that look at what it embedded and
// by the bench, which compiles its empty program on the runtime our binary embeds.
import { join } from "node:path";

/** @param {string} root the project's directory */
export function buildCacheDir(root) {
  return process.env["KCC_BUILD_CACHE"] ?? join(root, "node_modules", ".cache", "kcc-build-bin");
}

/**
 * The bun runtime of one of bun's platform packages (`bun-linux-x64-baseline`…), as bun ships it, at
 * `version`, where build:bin caches it.
 * @param {string} cache
 * @param {string} runtime
 * @param {string} version
 * @param {string} [exe] the executable's extension (`.exe` on Windows)
 */
export function cachedRuntimeFile(cache, runtime, version, exe = "") {
  return join(cache, `${runtime}-${version}`, `bun${exe}`);
}
