// `npm run release` on the real dist/bin that `npm run build:bin` made: every target's one binary, as
// built and listed in SHA256SUMS, ends up in the archives and npm packages unchanged, and in a tarball
// both commands run from it through their links. Compressing five binaries of ~115 MB takes a minute
// or so, so it runs in the binary pass only.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import {
  TARGETS,
  archiveLinks,
  archiveName,
  builtBinaryName,
  executableName,
} from "../../scripts/release-targets.js";
import { binariesUnderTest, binaryVersionLine } from "./support/binaries.js";
import { requireTools, runRelease, sha256, unpack } from "./support/release-run.js";

const ROOT = resolve(__dirname, "..", "..");

test("the real dist/bin (after npm run build:bin) becomes a release", (t) => {
  const realBin = binariesUnderTest(t);
  if (realBin === undefined) return;
  if (!requireTools(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "kcc-release-real-"));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const out = join(dir, "out");
  const run = runRelease(["--bin", realBin, "--out", out]);
  assert.equal(run.status, 0, run.stderr);
  const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  assert.ok(existsSync(join(out, `kube-credential-cache-${version}.tgz`)));
  assert.equal(readFileSync(join(out, "install.sh"), "utf8"), readFileSync(join(ROOT, "install.sh"), "utf8"));
  for (const target of TARGETS.filter(({ os }) => os !== "windows")) {
    assert.ok(existsSync(join(out, `kube-credential-cache-${target.os}-${target.arch}-${version}.tgz`)));
  }
  for (const target of TARGETS) {
    const unpacked = join(dir, archiveName(target));
    unpack(join(out, archiveName(target)), unpacked);
    const file = join(unpacked, executableName(target));
    assert.equal(sha256(readFileSync(file)), sha256(readFileSync(join(realBin, builtBinaryName(target)))));
    assert.equal(statSync(file).mode & 0o777, 0o755);
    for (const command of archiveLinks(target)) {
      assert.equal(readlinkSync(join(unpacked, command)), executableName(target));
      // This machine's own archive: each link runs the binary as that command.
      if (target.os !== process.platform || target.arch !== process.arch) continue;
      const ran = spawnSync(join(unpacked, command), ["--version"], { encoding: "utf8" });
      assert.match(ran.stdout, binaryVersionLine(command, version), ran.stderr);
    }
  }
});
