// The libc stand-in for node:fs in the Linux binaries (src/io/libc-fs/node-fs.ts), call by call against
// bun's own node:fs, in bun itself: test/fixtures/libc-fs-probe.ts runs every case through both.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { skipOrFailUnderCi } from "../e2e/support/skip.js";
import { useTempDir } from "./support/temp-dir.js";

interface Probe {
  readonly bound: boolean;
  readonly results: readonly { name: string; standIn: unknown; bun: unknown }[];
}

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
  writeFileSync(join(dir, "file"), "hello, file");
  writeFileSync(join(dir, "large"), "x".repeat(300_000));
  mkdirSync(join(dir, "dir"));
  symlinkSync("file", join(dir, "link"));
  symlinkSync("nothing", join(dir, "dangling"));
  assert.equal(spawnSync("mkfifo", [join(dir, "fifo")]).status, 0, "mkfifo");

  const run = spawnSync(bun, ["test/fixtures/libc-fs-probe.ts", dir], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const probe = JSON.parse(run.stdout) as Probe;
  assert.ok(probe.bound, "libc was bound: the stand-in made the calls itself");
  assert.equal(probe.results.length, 27);
  for (const { name, standIn, bun: theirs } of probe.results) assert.deepEqual(standIn, theirs, name);

  // The sides agree; that they agree on what matters, not on one failure of both:
  const outcome = (name: string): unknown => probe.results.find((result) => result.name === name)?.standIn;
  assert.deepEqual((outcome("lstat a missing path") as { error: { code: string } }).error.code, "ENOENT");
  assert.equal(
    (outcome("open refuses a link with O_NOFOLLOW") as { error: { code: string } }).error.code,
    "ELOOP",
  );
  assert.equal((outcome("close a closed descriptor") as { error: { code: string } }).error.code, "EBADF");
  const file = (outcome("lstat a file") as { value: { isFile: boolean; size: number } }).value;
  assert.deepEqual([file.isFile, file.size], [true, 11]);
  assert.equal(
    (outcome("lstat a link") as { value: { isSymbolicLink: boolean } }).value.isSymbolicLink,
    true,
  );
  const opened = (
    outcome("open, fstat, read at a position and on, close") as { value: Record<string, unknown> }
  ).value;
  assert.deepEqual([opened["tail"], opened["head"], opened["closeOnExec"]], ["\0\0o, fi", "hell", true]);
  assert.deepEqual(outcome("append a string and bytes, then read it back"), {
    value: { counts: [8, 5, 1], mode: 0o100600, text: "line é\nbytes\n" },
  });
  assert.equal((outcome("read a large file") as { value: number }).value, 300_000);
  // /proc/self/stat reports a size of 0: read to its end regardless (its first field is the pid).
  assert.deepEqual(outcome("read a file that says it is empty (/proc)"), { value: String(run.pid) });
});
