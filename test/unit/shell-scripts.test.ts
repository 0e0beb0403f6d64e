// Every shell script in the repository passes shellcheck, with the settings in .shellcheckrc. The
// scripts are found by their #! line or their extension, so that a new one is checked without being
// listed here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, lstatSync, openSync, readFileSync, readSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { test } from "node:test";
import { missingCommands, skipOrFailUnderCi } from "../e2e/support/skip.js";

const ROOT = resolve(__dirname, "..", "..");

// The shells shellcheck reads; a script for another (zsh, fish) is not one it can check.
const SHELLS = new Set(["sh", "bash", "dash", "ksh", "ash"]);
const EXTENSIONS: Record<string, string> = { ".sh": "sh", ".bash": "bash", ".dash": "dash", ".ksh": "ksh" };

/** The shell a file is written for, from its #! line (`/bin/sh`, `/usr/bin/env bash`), else its extension. */
function shellOf(path: string, firstLine: string): string | undefined {
  const shebang = /^#!\s*(\S+)(.*)$/.exec(firstLine);
  if (shebang !== null) {
    const interpreter = shebang[1] ?? "";
    const name = interpreter.endsWith("/env")
      ? (shebang[2] ?? "").split(/\s+/).find((word) => word !== "" && !word.startsWith("-"))
      : basename(interpreter);
    return name !== undefined && SHELLS.has(name) ? name : undefined;
  }
  const extension = /\.[a-z]+$/.exec(path)?.[0];
  return extension === undefined ? undefined : EXTENSIONS[extension];
}

const CASES: readonly { path: string; firstLine: string; shell: string | undefined }[] = [
  { path: "install.sh", firstLine: "#!/bin/sh", shell: "sh" },
  { path: "bin/install", firstLine: "#!/bin/sh", shell: "sh" },
  { path: ".ci/run", firstLine: "#!/usr/bin/env bash", shell: "bash" },
  { path: "x", firstLine: "#!/usr/bin/env -S bash -eu", shell: "bash" },
  { path: "x", firstLine: "#! /bin/dash -e", shell: "dash" },
  { path: "lib/utils.sh", firstLine: "# Shared by the asdf plugin's bin/ scripts", shell: "sh" },
  { path: "x.bash", firstLine: "", shell: "bash" },
  { path: "bin/kcc-cache", firstLine: "#!/usr/bin/env node", shell: undefined },
  { path: "x.sh", firstLine: "#!/usr/bin/env node", shell: undefined },
  { path: "x", firstLine: "#!/bin/zsh", shell: undefined },
  { path: "x", firstLine: "#!/bin/shell-like", shell: undefined },
  { path: "README.md", firstLine: "# kube-credential-cache", shell: undefined },
  { path: "x.shtml", firstLine: "", shell: undefined },
];

for (const { path, firstLine, shell } of CASES) {
  test(`${path} starting ${JSON.stringify(firstLine)} is ${shell ?? "not a shell script"}`, () => {
    assert.equal(shellOf(path, firstLine), shell);
  });
}

function firstLine(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(256);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString("utf8").split("\n")[0] ?? "";
  } finally {
    closeSync(fd);
  }
}

/** The repository's files as git sees them (tracked, or new and not ignored), or undefined without git. */
function repositoryFiles(): string[] | undefined {
  const listed = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (listed.status !== 0) return undefined;
  return [...new Set(listed.stdout.split("\0").filter((path) => path !== ""))].filter((path) => {
    try {
      return lstatSync(join(ROOT, path)).isFile();
    } catch {
      return false; // deleted in the working tree
    }
  });
}

test("every shell script in the repository passes shellcheck", (t) => {
  const missing = missingCommands(["git", "shellcheck"]);
  if (missing.length > 0) {
    skipOrFailUnderCi(t, `checking the shell scripts needs ${missing.join(", ")} on PATH`);
    return;
  }
  const files = repositoryFiles();
  assert.ok(files !== undefined, `${ROOT} is a git checkout`);
  const scripts = files.filter((path) => shellOf(path, firstLine(join(ROOT, path))) !== undefined).sort();
  // The finding must see the scripts we know of, and not the npm launchers beside them in bin/.
  for (const known of [
    "install.sh",
    "lib/utils.sh",
    "bin/download",
    "bin/install",
    "bin/list-all",
    ".ci/run",
  ])
    assert.ok(scripts.includes(known), `${known} is found among ${scripts.join(", ")}`);
  for (const launcher of ["bin/kcc-cache", "bin/kcc-injector"]) assert.ok(!scripts.includes(launcher));

  // A finding is fixed, not silenced: a disabled check once hid an unquoted path that an installer
  // removed, split at its spaces.
  const disables = (path: string, directive: RegExp): boolean =>
    directive.test(readFileSync(join(ROOT, path), "utf8"));
  const silenced = [
    ...scripts.filter((path) => disables(path, /#\s*shellcheck\s[^\n]*\bdisable=/)),
    ...[".shellcheckrc"].filter((path) => disables(path, /^\s*disable=/m)),
  ];
  assert.deepEqual(silenced, [], "no script (nor .shellcheckrc) disables a shellcheck check");

  const checked = spawnSync("shellcheck", ["--format=gcc", "--", ...scripts], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(checked.error, undefined);
  assert.equal(checked.stdout + checked.stderr, "", `shellcheck's findings in ${scripts.join(", ")}`);
  assert.equal(checked.status, 0);
});
