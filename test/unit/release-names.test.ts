import assert from "node:assert/strict";
import { test } from "node:test";
import {
  TARGETS,
  archiveName,
  builtBinaryName,
  installedBinaryName,
  type Target,
} from "../../scripts/release-targets.js";

// The Go original's goreleaser name_template: `<project>_<title .Os>_<x86_64 for amd64, else .Arch>`,
// tar.gz everywhere but Windows, which gets zip.
test("archive names follow the original's goreleaser template", () => {
  const cases: [Target, string][] = [
    [{ os: "linux", arch: "x64" }, "kube-credential-cache_Linux_x86_64.tar.gz"],
    [{ os: "linux", arch: "arm64" }, "kube-credential-cache_Linux_arm64.tar.gz"],
    [{ os: "darwin", arch: "x64" }, "kube-credential-cache_Darwin_x86_64.tar.gz"],
    [{ os: "darwin", arch: "arm64" }, "kube-credential-cache_Darwin_arm64.tar.gz"],
    [{ os: "windows", arch: "x64" }, "kube-credential-cache_Windows_x86_64.zip"],
  ];
  for (const [target, name] of cases) assert.equal(archiveName(target), name);
  assert.deepEqual(TARGETS.map(archiveName).sort(), cases.map(([, name]) => name).sort());
});

test("binary names: the build's per-platform names, and the plain names inside an archive", () => {
  const cases: [string, Target, string, string][] = [
    ["kcc-cache", { os: "linux", arch: "arm64" }, "kcc-cache-linux-arm64", "kcc-cache"],
    ["kcc-injector", { os: "darwin", arch: "x64" }, "kcc-injector-darwin-x64", "kcc-injector"],
    ["kcc-cache", { os: "windows", arch: "x64" }, "kcc-cache-windows-x64.exe", "kcc-cache.exe"],
  ];
  for (const [command, target, built, installed] of cases) {
    assert.equal(builtBinaryName(command, target), built);
    assert.equal(installedBinaryName(command, target), installed);
  }
});
