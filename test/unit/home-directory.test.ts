import assert from "node:assert/strict";
import { homedir } from "node:os";
import { test } from "node:test";
import { homeDirectory } from "../../src/io/home-directory.js";

// os.homedir() reads the same variable first; only without it does the user database decide.
const cases: [string, Record<string, string>, NodeJS.Platform, string][] = [
  ["HOME on Linux", { HOME: "/home/alice", USERPROFILE: "C:\\Users\\bob" }, "linux", "/home/alice"],
  ["HOME on macOS", { HOME: "/Users/alice" }, "darwin", "/Users/alice"],
  [
    "USERPROFILE on Windows, not HOME",
    { HOME: "/home/alice", USERPROFILE: "C:\\Users\\bob" },
    "win32",
    "C:\\Users\\bob",
  ],
  ["HOME unset: the user database, as os.homedir()", {}, "linux", homedir()],
  ["HOME empty: the user database, as os.homedir()", { HOME: "" }, "linux", homedir()],
];
for (const [name, env, os, expected] of cases) {
  test(`home directory: ${name}`, () => {
    assert.equal(homeDirectory(env, os), expected);
  });
}
