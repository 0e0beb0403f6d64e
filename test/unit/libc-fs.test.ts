// The libc stand-in for node:fs in the Linux binaries (src/io/libc-fs/node-fs.ts), call by call against
// bun's own node:fs, in bun itself: test/fixtures/libc-fs-probe.ts runs every case through both. The
// binary pass runs the same probe in the arm64 bun under qemu (test/e2e/binary-targets.test.ts).
import { test } from "node:test";
import { assertProbeAgrees, setUpProbeScene } from "../fixtures/libc-fs-scene.js";
import { bunForLibcTests } from "./support/bun.js";
import { useTempDir } from "./support/temp-dir.js";

test("libc stand-in: every call a hit makes answers as bun's node:fs does, errors included", (t) => {
  const bun = bunForLibcTests(t);
  if (bun === undefined) return;
  const dir = useTempDir(t);
  setUpProbeScene(dir);
  assertProbeAgrees([bun], dir);
});
