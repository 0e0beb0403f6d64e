// Running `npm run release` (scripts/release.ts) in a test, and reading what it wrote.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestContext } from "node:test";
import { missingCommands, skipOrFailUnderCi } from "./skip.js";

const ROOT = resolve(__dirname, "..", "..", "..");
const TOOLS = ["tar", "zip", "unzip", "npm"];
export const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

export function requireTools(t: TestContext): boolean {
  const missing = missingCommands(TOOLS);
  if (missing.length === 0) return true;
  skipOrFailUnderCi(t, `release needs ${missing.join(", ")} (Debian: apt-get install zip unzip)`);
  return false;
}

export function runRelease(
  args: string[],
  env: Record<string, string> = {},
): ReturnType<typeof spawnSync> & { stderr: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (env["KUBE_CREDENTIAL_CACHE_RELEASE_URL"] === undefined)
    delete childEnv["KUBE_CREDENTIAL_CACHE_RELEASE_URL"];
  return spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "release.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: childEnv,
  });
}

export function unpack(file: string, into: string): void {
  mkdirSync(into);
  const tool = file.endsWith(".zip")
    ? spawnSync("unzip", ["-q", file, "-d", into])
    : spawnSync("tar", ["-xzf", file, "-C", into]);
  assert.equal(tool.status, 0, `unpack ${file}`);
}
