import assert from "node:assert/strict";
import { test } from "node:test";
import {
  TARGETS,
  archiveLinks,
  archiveName,
  builtBinaryName,
  executableName,
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

// One executable per platform: the build's name for it, its name in the archive, and the commands
// the archive holds as links to it (none in a zip).
const EXE = "kube-credential-cache";
const LINKS = ["kcc-cache", "kcc-injector"];
const BINARIES: [Target, string, string, readonly string[]][] = [
  [{ os: "linux", arch: "x64" }, `${EXE}-linux-x64`, EXE, LINKS],
  [{ os: "linux", arch: "arm64" }, `${EXE}-linux-arm64`, EXE, LINKS],
  [{ os: "darwin", arch: "x64" }, `${EXE}-darwin-x64`, EXE, LINKS],
  [{ os: "darwin", arch: "arm64" }, `${EXE}-darwin-arm64`, EXE, LINKS],
  [{ os: "windows", arch: "x64" }, `${EXE}-windows-x64.exe`, `${EXE}.exe`, []],
];
for (const [target, built, executable, links] of BINARIES) {
  test(`${target.os}-${target.arch}: built as ${built}, archived as ${executable}, links ${links.join(", ") || "none"}`, () => {
    assert.equal(builtBinaryName(target), built);
    assert.equal(executableName(target), executable);
    assert.deepEqual(archiveLinks(target), links);
  });
}
