// `npm pack` of the npm package into a release, as `npm publish` would pack it (prepack build included).
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { lastLine } from "./release-archive.js";

export interface PackPaths {
  readonly packageDir: string;
  /** Directories of the release's inputs and outputs, which must never end up in the npm package. */
  readonly excluded: readonly string[];
}

/**
 * `npm pack` of the package into the release, running its prepack build as `npm publish` would. The
 * tarball is checked for the release's own inputs and outputs: a `files` entry as wide as `dist/` would
 * otherwise publish every platform's binaries to every npm user.
 */
export function packNpmPackage(paths: PackPaths, destinationDir: string): string {
  const destination = mkdtempSync(join(tmpdir(), "kcc-release-pack-"));
  try {
    const npm = spawnSync("npm", ["pack", "--pack-destination", destination], {
      cwd: paths.packageDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (npm.error !== undefined) throw new Error(`npm could not run: ${npm.error.message}`);
    if (npm.status !== 0)
      throw new Error(`npm pack failed (exit ${npm.status ?? "signal"}): ${lastLine(npm.stderr)}`);
    const tarballs = readdirSync(destination).filter((name) => name.endsWith(".tgz"));
    const [tarball] = tarballs;
    if (tarball === undefined || tarballs.length !== 1)
      throw new Error(`npm pack wrote ${tarballs.length} tarballs, expected one`);
    const listing = spawnSync("tar", ["-tzf", join(destination, tarball)], { encoding: "utf8" });
    if (listing.status !== 0) throw new Error(`cannot list ${tarball}: ${lastLine(listing.stderr)}`);
    const forbidden = paths.excluded
      .map((directory) => relative(paths.packageDir, directory))
      .filter((path) => path !== "" && !path.startsWith("..") && !isAbsolute(path))
      .map((path) => `package/${path.split("\\").join("/")}/`);
    const leaked = listing.stdout
      .split("\n")
      .find((entry) => forbidden.some((prefix) => entry.startsWith(prefix)));
    if (leaked !== undefined) {
      throw new Error(
        `the npm package would carry ${leaked.slice("package/".length)}: narrow package.json "files" to the JS build`,
      );
    }
    renameOrCopy(join(destination, tarball), join(destinationDir, tarball));
    return tarball;
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}

function renameOrCopy(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    copyFileSync(from, to); // the temp dir may be on another file system
  }
}
