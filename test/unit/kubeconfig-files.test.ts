// Which kubeconfig files kcc-injector edits, how it reads them, and that a set of updates is written
// whole or not at all: on real files in a temp dir.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { KubeconfigError } from "../../src/core/errors.js";
import {
  BACKUP_SUFFIX,
  readKubeconfigFile,
  resolveKubeconfigPaths,
  writeKubeconfigFiles,
} from "../../src/io/kubeconfig/kubeconfig-files.js";
import { useTempDir } from "./support/temp-dir.js";

const PROCFS =
  /: it leads into \/proc \(procfs\), where a name stands for whatever a process has open; name the file itself$/;

/** A symlink `name` in `dir` to `target`; returns its path. */
function link(dir: string, target: string, name: string): string {
  symlinkSync(target, join(dir, name));
  return join(dir, name);
}

const tempDir = (t: TestContext): string => useTempDir(t, "kcc-kubeconfig-files-");

test("named files win; else KUBECONFIG's existing files in order without duplicates; else ~/.kube/config", (t) => {
  const dir = tempDir(t);
  for (const name of ["a", "b"]) writeFileSync(join(dir, name), "");
  const home = join(dir, "home");
  const cases: [string, readonly string[], Record<string, string>, string[]][] = [
    [
      "named, relative to cwd, once each",
      ["a", "./a", "b"],
      { KUBECONFIG: "ignored" },
      [join(dir, "a"), join(dir, "b")],
    ],
    [
      "KUBECONFIG list",
      [],
      { KUBECONFIG: `b:${join(dir, "missing")}:a:b` },
      [join(dir, "b"), join(dir, "a")],
    ],
    ["empty entries skipped", [], { KUBECONFIG: "::a" }, [join(dir, "a")]],
    ["unset", [], {}, [join(home, ".kube", "config")]],
    ["set but empty", [], { KUBECONFIG: "" }, [join(home, ".kube", "config")]],
  ];
  for (const [what, named, env, expected] of cases) {
    assert.deepEqual(resolveKubeconfigPaths(named, env, home, dir), expected, what);
  }
  assert.throws(
    () => resolveKubeconfigPaths([], { KUBECONFIG: "nope:nada" }, home, dir),
    (error: unknown) =>
      error instanceof KubeconfigError && /none of the files in KUBECONFIG exists/.test(error.message),
  );
});

test("a file is read through its symlink, with its mode; a directory or non-UTF-8 bytes are one-line errors", (t) => {
  const dir = tempDir(t);
  const target = join(dir, "real-config");
  writeFileSync(target, "apiVersion: v1\n", { mode: 0o640 });
  symlinkSync(target, join(dir, "config"));
  const file = readKubeconfigFile(join(dir, "config"));
  assert.deepEqual(
    [file.path, file.target, file.text, file.mode],
    [join(dir, "config"), target, "apiVersion: v1\n", 0o640],
  );
  mkdirSync(join(dir, "a-directory"));
  writeFileSync(join(dir, "latin1"), Buffer.from([0x61, 0xe9, 0x0a]));
  for (const [path, message] of [
    [join(dir, "a-directory"), /cannot read .*a-directory/],
    [join(dir, "missing"), /cannot read .*missing/],
    [join(dir, "latin1"), /latin1: not UTF-8 text/],
  ] as const) {
    assert.throws(
      () => readKubeconfigFile(path),
      (error: unknown) =>
        error instanceof KubeconfigError && message.test(error.message) && !error.message.includes("\n"),
    );
  }
});

// Where a named path leads: a regular file, through any symlinks a user would make, or one line. Paths
// through procfs (what /dev/stdin and /dev/fd/N are links into) name whatever a process has open, and
// -i would rewrite it; devices and FIFOs are not files to edit. Real entries, one test per row.
const PATHS: {
  name: string;
  make: (dir: string, t: TestContext) => string;
  leads: string | RegExp;
  linux?: true;
}[] = [
  { name: "a regular file", make: (dir) => join(dir, "real"), leads: "real" },
  { name: "a symlink to it", make: (dir) => link(dir, "real", "config"), leads: "real" },
  {
    name: "a relative chain of links through a linked directory and ..",
    make: (dir) => {
      mkdirSync(join(dir, "a", "b"), { recursive: true });
      symlinkSync(join(dir, "a", "b"), join(dir, "linked-b"));
      // `..` is taken from where the link led (a/), as the kernel takes it, not from the name typed.
      symlinkSync("../../real", join(dir, "a", "b", "up"));
      return link(dir, "linked-b/up", "chain");
    },
    leads: "real",
  },
  { name: "a missing file", make: (dir) => join(dir, "missing"), leads: /: no such file \(ENOENT\)$/ },
  { name: "a dangling link", make: (dir) => link(dir, "missing", "dangling"), leads: /: no such file/ },
  {
    name: "a loop of links",
    make: (dir) => {
      link(dir, "loop-b", "loop-a");
      return link(dir, "loop-a", "loop-b");
    },
    leads: /: too many levels of symbolic links \(ELOOP\)$/,
  },
  {
    name: "a directory",
    make: (dir) => {
      mkdirSync(join(dir, "a-directory"));
      return join(dir, "a-directory");
    },
    leads: /: it is a directory \(EISDIR\)$/,
  },
  { name: "/dev/null", make: () => "/dev/null", leads: /: it is the null device, not a regular file$/ },
  { name: "a link to /dev/null", make: (dir) => link(dir, "/dev/null", "null"), leads: /the null device/ },
  {
    name: "a FIFO",
    make: (dir) => {
      execFileSync("mkfifo", [join(dir, "fifo")]);
      return join(dir, "fifo");
    },
    leads: /: it is a FIFO, not a regular file$/,
  },
  {
    name: "a link to /dev/stdin",
    make: (dir) => link(dir, "/dev/stdin", "stdin"),
    leads: PROCFS,
    linux: true,
  },
  { name: "/dev/fd/0", make: () => "/dev/fd/0", leads: PROCFS, linux: true },
  {
    name: "/proc/self/fd/N of an open regular file",
    make: (dir, t) => {
      const fd = openSync(join(dir, "real"), "r");
      t.after(() => {
        closeSync(fd);
      });
      return `/proc/self/fd/${fd}`;
    },
    leads: PROCFS,
    linux: true,
  },
  {
    name: "the file itself, through /proc/self/root",
    make: (dir) => join("/proc/self/root", dir, "real"),
    leads: PROCFS,
    linux: true,
  },
];

for (const { name, make, leads, linux } of PATHS) {
  test(`a kubeconfig path: ${name}`, (t) => {
    if (linux === true && process.platform !== "linux") {
      t.skip("procfs is Linux's");
      return;
    }
    const dir = tempDir(t);
    writeFileSync(join(dir, "real"), "apiVersion: v1\n");
    const path = make(dir, t);
    if (typeof leads === "string") {
      assert.equal(readKubeconfigFile(path).target, join(realpathSync(dir), leads));
      return;
    }
    assert.throws(
      () => readKubeconfigFile(path),
      (error: unknown) =>
        error instanceof KubeconfigError &&
        error.message.startsWith(`cannot read ${path}: `) &&
        leads.test(error.message) &&
        !error.message.includes("\n"),
    );
  });
}

test("updates are written whole with backups, or, when one cannot be, none is and nothing is left behind", (t) => {
  const dir = tempDir(t);
  const one = join(dir, "one.yaml");
  const two = join(dir, "two.yaml");
  writeFileSync(one, "one: old\n", { mode: 0o600 });
  writeFileSync(two, "two: old\n", { mode: 0o644 });
  writeKubeconfigFiles([
    { file: readKubeconfigFile(one), text: "one: new\n" },
    { file: readKubeconfigFile(two), text: "two: new\n" },
  ]);
  assert.deepEqual([readFileSync(one, "utf8"), readFileSync(two, "utf8")], ["one: new\n", "two: new\n"]);
  assert.equal(readFileSync(`${one}${BACKUP_SUFFIX}`, "utf8"), "one: old\n");
  assert.equal(statSync(two).mode & 0o777, 0o644, "the mode is kept");
  assert.equal(statSync(`${two}${BACKUP_SUFFIX}`).mode & 0o777, 0o644, "the backup has the file's mode");

  // The second file's backup path is a directory: found before anything is replaced.
  rmSync(`${two}${BACKUP_SUFFIX}`);
  mkdirSync(`${two}${BACKUP_SUFFIX}`);
  const before = readdirSync(dir).sort();
  assert.throws(() => {
    writeKubeconfigFiles([
      { file: readKubeconfigFile(one), text: "one: newer\n" },
      { file: readKubeconfigFile(two), text: "two: newer\n" },
    ]);
  }, KubeconfigError);
  assert.deepEqual([readFileSync(one, "utf8"), readFileSync(two, "utf8")], ["one: new\n", "two: new\n"]);
  assert.equal(readFileSync(`${one}${BACKUP_SUFFIX}`, "utf8"), "one: old\n", "the older backup is kept");
  assert.deepEqual(readdirSync(dir).sort(), before, "no temp, lock or backup file left");
});
