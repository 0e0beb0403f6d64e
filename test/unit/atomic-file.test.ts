// writeFileAtomic and the leftover sweep, on real files in a temp dir.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import {
  leftoverTempFiles,
  removeLeftoverTempFiles,
  writeFileAtomic,
} from "../../src/io/cache-file/atomic-file.js";
import { useTempDir } from "./support/temp-dir.js";

const tempDir = (t: TestContext): string => useTempDir(t, "kcc-atomic-");

test("the file is replaced whole, with the mode asked for whatever the umask, and no temp file stays", (t) => {
  const dir = tempDir(t);
  const file = join(dir, "cache.json");
  writeFileSync(file, "old", { mode: 0o644 });
  const umask = process.umask(0o277); // would strip the owner's write bit from a plain create
  try {
    writeFileAtomic(file, "new content", 0o600);
  } finally {
    process.umask(umask);
  }
  assert.equal(readFileSync(file, "utf8"), "new content");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ["cache.json"]);
  writeFileAtomic(file, Buffer.from([0, 255]), 0o600);
  assert.deepEqual(readFileSync(file), Buffer.from([0, 255]));
});

test("a failed write leaves the old file as it was and no temp file", (t) => {
  const dir = tempDir(t);
  const file = join(dir, "cache.json");
  writeFileSync(file, "old");
  assert.throws(() => {
    writeFileAtomic(join(dir, "missing-dir", "x.json"), "data", 0o600);
  });
  const directory = join(dir, "a-directory");
  mkdirSync(directory);
  assert.throws(() => {
    writeFileAtomic(directory, "data", 0o600); // renaming a file over a directory fails
  });
  assert.equal(readFileSync(file, "utf8"), "old");
  assert.deepEqual(readdirSync(dir).sort(), ["a-directory", "cache.json"], "no temp file left");
});

test("leftovers of a killed writer are found by name, and only those are swept", (t) => {
  const dir = tempDir(t);
  const file = join(dir, "cache.json");
  const leftovers = [".cache.json.123.abc.tmp", ".cache.json.456.def.tmp"];
  const others = [".cache.json.lock", ".other.json.1.a.tmp", "cache.json.tmp", ".cache.json.tmpx"];
  for (const name of [...leftovers, ...others]) writeFileSync(join(dir, name), "x");
  assert.deepEqual(leftoverTempFiles(file).sort(), leftovers.map((name) => join(dir, name)).sort());
  assert.equal(removeLeftoverTempFiles(file), 2);
  assert.deepEqual(readdirSync(dir).sort(), [...others].sort());
  assert.deepEqual(leftoverTempFiles(join(dir, "no-such-dir", "cache.json")), []);
});
