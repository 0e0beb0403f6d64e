import assert from "node:assert/strict";
import { test } from "node:test";
import {
  PLACEHOLDER_REPOSITORY,
  checkVersion,
  checksumsText,
  homebrewCask,
  parseSha256Sums,
  releasesUrl,
  repositoryPage,
  scoopManifest,
} from "../../scripts/release-manifests.js";

const A = "a".repeat(64);
const B = "b".repeat(64);

test("repositoryPage: package.json repository in its usual spellings", () => {
  const cases: [unknown, string | undefined][] = [
    [undefined, undefined],
    ["o/r", "https://github.com/o/r"],
    ["github:o/r", "https://github.com/o/r"],
    ["https://github.com/o/r", "https://github.com/o/r"],
    [{ type: "git", url: "git+https://github.com/o/r.git" }, "https://github.com/o/r"],
    ["git+ssh://git@github.com/o/r.git", "https://github.com/o/r"],
  ];
  for (const [repository, page] of cases)
    assert.equal(repositoryPage(repository), page, JSON.stringify(repository));
  assert.throws(() => repositoryPage("https://gitlab.com/o/r"), /not a GitHub repository/);
});

test("releasesUrl: the variable wins, without trailing slash; else <homepage>/releases", () => {
  const cases: [string | undefined, string][] = [
    [undefined, `${PLACEHOLDER_REPOSITORY}/releases`],
    ["", `${PLACEHOLDER_REPOSITORY}/releases`],
    ["https://mirror.example/kcc/", "https://mirror.example/kcc"],
    ["http://127.0.0.1:8080/r", "http://127.0.0.1:8080/r"],
  ];
  for (const [variable, url] of cases) assert.equal(releasesUrl(variable, PLACEHOLDER_REPOSITORY), url);
  for (const bad of ["not a url", "ftp://x/y", "https://x/y?a=1", "https://x/y#z"]) {
    assert.throws(() => releasesUrl(bad, PLACEHOLDER_REPOSITORY), /KUBE_CREDENTIAL_CACHE_RELEASE_URL/, bad);
  }
});

test("checkVersion accepts semantic versions only", () => {
  for (const good of ["0.1.0", "1.2.3-rc.1", "1.2.3+build.5"]) assert.equal(checkVersion(good), good);
  for (const bad of [undefined, 1, "1.2", "v1.2.3", "1.2.3 "])
    assert.throws(() => checkVersion(bad), /semantic/);
});

test("parseSha256Sums reads sha256sum's text and binary modes and rejects other lines", () => {
  assert.deepEqual(
    parseSha256Sums(`${A}  x\n${B.toUpperCase()} *y z\n\n`),
    new Map([
      ["x", A],
      ["y z", B],
    ]),
  );
  assert.throws(() => parseSha256Sums(`${A}  x\nnot a sum\n`), /line 2/);
});

test("checksumsText: goreleaser's `<hex>  <name>` lines, sorted by name", () => {
  assert.equal(
    checksumsText([
      { name: "b.zip", sha256: B },
      { name: "a.tar.gz", sha256: A },
    ]),
    `${A}  a.tar.gz\n${B}  b.zip\n`,
  );
  assert.throws(() => checksumsText([{ name: "x", sha256: "abc" }]), /not a sha256/);
});

const RELEASE = { version: "1.0.0", releasesUrl: "https://x/r", homepage: "https://x/h", license: "MIT" };
const ASSETS = ["Darwin_x86_64.tar.gz", "Darwin_arm64.tar.gz", "Windows_x86_64.zip"].map((suffix) => ({
  name: `kube-credential-cache_${suffix}`,
  sha256: A,
}));

test("the cask links each command to the one executable", () => {
  assert.deepEqual(
    homebrewCask(RELEASE, ASSETS)
      .split("\n")
      .filter((line) => line.includes("binary ")),
    [
      '  binary "kube-credential-cache", target: "kcc-cache"',
      '  binary "kube-credential-cache", target: "kcc-injector"',
    ],
  );
});

test("the Scoop manifest has a shim per command that names it as the one executable's first argument", () => {
  const manifest = JSON.parse(scoopManifest(RELEASE, ASSETS)) as {
    architecture: { "64bit": { bin: unknown } };
  };
  assert.deepEqual(manifest.architecture["64bit"].bin, [
    ["kube-credential-cache.exe", "kcc-cache", "kcc-cache"],
    ["kube-credential-cache.exe", "kcc-injector", "kcc-injector"],
  ]);
});

test("the cask escapes Ruby string syntax in the values it quotes", () => {
  const release = {
    version: "1.0.0",
    releasesUrl: "https://x/r",
    homepage: 'https://x/"#{boom}',
    license: "MIT",
  };
  const assets = ["Darwin_x86_64", "Darwin_arm64"].map((arch) => ({
    name: `kube-credential-cache_${arch}.tar.gz`,
    sha256: A,
  }));
  assert.match(homebrewCask(release, assets), /^ {2}homepage "https:\/\/x\/\\"\\#\{boom\}"$/m);
});
