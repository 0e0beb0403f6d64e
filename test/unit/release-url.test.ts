// The releases URL is written down once per language that needs it: install.sh (which the asdf
// plugin sources) and the release script's default; aqua names the same GitHub repository.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { PLACEHOLDER_REPOSITORY, releasesUrl, repositoryPage } from "../../scripts/release-manifests.js";

const ROOT = resolve(__dirname, "..", "..");
const read = (path: string): string => readFileSync(join(ROOT, path), "utf8");
const manifest = JSON.parse(read("package.json")) as { repository?: unknown };
const releaseDefault = releasesUrl(undefined, repositoryPage(manifest.repository) ?? PLACEHOLDER_REPOSITORY);
const installShDefault = /^DEFAULT_RELEASE_URL=(\S+)$/m.exec(read("install.sh"))?.[1];

test("install.sh's DEFAULT_RELEASE_URL is the release script's default", () => {
  assert.equal(installShDefault, releaseDefault);
});

test("the asdf plugin takes its URL from install.sh and writes none of its own", () => {
  for (const path of ["lib/utils.sh", "bin/list-all", "bin/download", "bin/install"])
    assert.ok(!read(path).includes(new URL(releaseDefault).pathname.split("/")[1] ?? "?"), path);
  assert.match(read("lib/utils.sh"), /^\. "\$kcc_plugin_dir\/install\.sh"$/m);
});

test("the aqua entry names the repository of the release script's default", () => {
  const registry = parse(read("aqua/registry.yaml")) as {
    packages: { repo_owner: string; repo_name: string }[];
  };
  const [entry] = registry.packages;
  assert.equal(
    `https://github.com/${entry?.repo_owner ?? ""}/${entry?.repo_name ?? ""}/releases`,
    releaseDefault,
  );
});
