import assert from "node:assert/strict";
import { posix, win32 } from "node:path";
import { test } from "node:test";
import { baseName, childPath, parentPath } from "../../src/core/path-names.js";

// The hit path's own path operations answer as node:path does for the paths it is given: absolute,
// already normal, of files (they all come from the cache location), so none ends with a separator.
const POSIX_PATHS = [
  "/",
  "cache.json",
  "/cache.json",
  "/home/u/.cache/kube-credential-cache/cache.json",
  "/tmp/x y/z",
];
const WINDOWS_PATHS = [
  "C:\\",
  "cache.json",
  "C:\\cache.json",
  "C:\\Users\\u\\AppData\\Local\\kube-credential-cache\\cache.json",
  "C:/Users/u/cache.json",
  "\\\\server\\share\\dir\\cache.json",
];

test("path names: parent and last part as node:path gives them, POSIX and Windows", () => {
  for (const path of POSIX_PATHS) {
    assert.equal(parentPath(path, "linux"), posix.dirname(path), `parent of ${path}`);
    if (path !== "/") assert.equal(baseName(path, "linux"), posix.basename(path), `base of ${path}`);
  }
  for (const path of WINDOWS_PATHS) {
    assert.equal(parentPath(path, "win32"), win32.dirname(path), `parent of ${path}`);
    if (path !== "C:\\") assert.equal(baseName(path, "win32"), win32.basename(path), `base of ${path}`);
  }
});

test("path names: a child as node:path joins it, one separator between", () => {
  for (const directory of ["/", "/home/u/.cache", "/a/b/"])
    assert.equal(childPath(directory, "locks", "linux"), posix.join(directory, "locks"), directory);
  for (const directory of ["C:\\", "C:\\Users\\u", "D:\\dir\\", "\\\\server\\share\\dir"])
    assert.equal(childPath(directory, "locks", "win32"), win32.join(directory, "locks"), directory);
  // A backslash is a name character on POSIX, not a separator.
  assert.equal(childPath("/odd\\", "locks", "linux"), "/odd\\/locks");
  assert.equal(parentPath("/odd\\name", "linux"), "/");
});
