import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { resolve } from "node:path";
import type { TestContext } from "node:test";
import { skipOrFailUnderCi } from "../../e2e/support/skip.js";

/**
 * bun, to run a fixture as the Linux binaries run the code: the project's pinned one (npm ci installs
 * it), else one on PATH. Undefined, with the test skipped (a failure under CI), where neither is, or
 * where the platform is not one the libc binding serves.
 */
export function bunForLibcTests(t: TestContext): string | undefined {
  if (process.platform !== "linux" || !["x64", "arm64"].includes(process.arch)) {
    t.skip("the libc binding serves the Linux x64 and arm64 binaries only");
    return undefined;
  }
  const local = resolve("node_modules/.bin/bun");
  try {
    accessSync(local, constants.X_OK);
    return local;
  } catch {
    const found = spawnSync("sh", ["-c", "command -v bun"], { encoding: "utf8" }).stdout.trim();
    if (found !== "") return found;
    skipOrFailUnderCi(t, "no bun to run the libc binding in (npm ci installs it)");
    return undefined;
  }
}
