// The commit a build is made from, for --version (both builds define it as KCC_COMMIT): the short hash
// of HEAD when the tree being built is itself a git checkout, "unknown" otherwise, e.g. when building
// from the npm tarball, which may sit inside some other repository.
import { execFileSync } from "node:child_process";
import { realpathSync } from "node:fs";

/** @param {string} root the project's directory */
export function buildCommit(root) {
  /** @param {string[]} args */
  const git = (...args) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    if (realpathSync(git("rev-parse", "--show-toplevel")) !== realpathSync(root)) return "unknown";
    return git("rev-parse", "--short", "HEAD");
  } catch {
    return "unknown";
  }
}
