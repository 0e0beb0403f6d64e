// The libc stand-in for node:fs in the Linux binaries (src/io/libc-fs/node-fs.ts), call by call against
// bun's own node:fs, in bun itself: test/fixtures/libc-fs-probe.ts runs every case through both. The
// binary pass runs the same probe in the arm64 bun under qemu (test/e2e/binary-targets.test.ts).
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";
import { skipOrFailUnderCi } from "../e2e/support/skip.js";
import { assertProbeAgrees, setUpProbeScene } from "../fixtures/libc-fs-scene.js";
import { useTempDir } from "./support/temp-dir.js";

function findBun(): string | undefined {
  const local = resolve("node_modules/.bin/bun");
  try {
    accessSync(local, constants.X_OK);
    return local;
  } catch {
    return spawnSync("sh", ["-c", "command -v bun"], { encoding: "utf8" }).stdout.trim() || undefined;
  }
}

test("libc stand-in: every call a hit makes answers as bun's node:fs does, errors included", (t) => {
  if (process.platform !== "linux" || !["x64", "arm64"].includes(process.arch)) {
    t.skip("the libc stand-in serves the Linux x64 and arm64 binaries only");
    return;
  }
  const bun = findBun();
  if (bun === undefined) {
    skipOrFailUnderCi(t, "no bun to run the stand-in in (npm ci installs it)");
    return;
  }
  const dir = useTempDir(t);
  setUpProbeScene(dir);
  assertProbeAgrees([bun], dir);
});
