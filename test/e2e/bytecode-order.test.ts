// The binaries lay their bytecode out by what a hit reads (scripts/bytecode-order/, recorded by
// scripts/bytecode-order.ts; docs/startup.md, "Bytecode laid out by a hit"). A change to the hit path
// that is not recorded again would quietly cost every hit the layout: this records the profiles afresh
// from this code and requires them to be the committed ones. Run in the binary pass, after build:bin has
// put the bun runtimes in its cache.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { binariesUnderTest } from "./support/binaries.js";
import { requireSecretServiceTools } from "./support/secret-service.js";

test("the committed bytecode profiles are what a file-store and a secret-store hit of this code read", (t) => {
  if (binariesUnderTest(t) === undefined || !requireSecretServiceTools(t)) return;
  const root = join(__dirname, "..", "..");
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", join(root, "scripts", "bytecode-order.ts"), "--check"],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 300_000,
    },
  );
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
