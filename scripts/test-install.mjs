// How the end-to-end tests get the npm package: packed from this checkout and installed globally into a
// private prefix, as `npm install -g` would install it from the registry. Shared by scripts/test.mjs and
// the test that proves it works on a fresh machine (test/e2e/test-install.test.ts).
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Packs the package and installs it into `prefix`; returns the directory of its commands.
 * `--prefer-offline`, not `--offline`: `npm ci` caches tarballs but not the registry metadata a global
 * install resolves the dependencies with, so a fresh machine's cache cannot serve that and the registry
 * must; a warm cache serves everything and nothing goes out.
 *
 * @param {string} prefix
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string}
 */
export function installPackage(prefix, env = process.env) {
  mkdirSync(prefix, { recursive: true });
  const packed = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", prefix], {
    cwd: ROOT,
    encoding: "utf8",
    env,
  })
    .trim()
    .split("\n")
    .at(-1);
  if (packed === undefined || packed === "") throw new Error("test-install: npm pack named no tarball");
  execFileSync(
    "npm",
    [
      "install",
      "--global",
      "--prefer-offline",
      "--silent",
      "--no-audit",
      "--no-fund",
      "--prefix",
      prefix,
      join(prefix, packed),
    ],
    { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env },
  );
  return join(prefix, "bin");
}
