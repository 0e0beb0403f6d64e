import assert from "node:assert/strict";
import { test } from "node:test";
import {
  judgeCacheFile,
  judgeDirectory,
  type PathFacts,
  type PathVerdict,
} from "../../src/core/cache/private-path.js";

const ME = 1000;
const file = (uid: number, mode: number): PathFacts => ({ kind: "file", uid, mode: 0o100000 | mode });
const dir = (uid: number, mode: number): PathFacts => ({ kind: "directory", uid, mode: 0o40000 | mode });

test("judgeCacheFile: only the user's own regular file is used; what is not a cache is refused", () => {
  const cases: [string, PathFacts, number | undefined, PathVerdict["kind"], boolean?][] = [
    ["missing", { kind: "missing" }, ME, "absent"],
    ["own 0600", file(ME, 0o600), ME, "use", false],
    ["own 0400", file(ME, 0o400), ME, "use", false],
    ["own 0640: readable by the group, tightened", file(ME, 0o640), ME, "use", true],
    ["own 0604: readable by others, tightened", file(ME, 0o604), ME, "use", true],
    ["own 0620: writable by the group", file(ME, 0o620), ME, "distrust"],
    ["own 0602: writable by others", file(ME, 0o602), ME, "distrust"],
    ["another user's 0600", file(65534, 0o600), ME, "distrust"],
    ["root's file for a user", file(0, 0o600), ME, "distrust"],
    ["root's own file", file(0, 0o600), 0, "use", false],
    ["no uids (Windows)", file(0, 0o666), undefined, "use", false],
    ["a directory", dir(ME, 0o700), ME, "refuse"],
    ["a symlink", { kind: "symlink" }, ME, "refuse"],
    ["a FIFO", { kind: "special", what: "FIFO" }, ME, "refuse"],
    ["a device", { kind: "special", what: "device" }, ME, "refuse"],
    ["the null device", { kind: "null-device" }, ME, "off"],
    ["an unreachable path", { kind: "unreachable", code: "EACCES" }, ME, "distrust"],
  ];
  for (const [what, facts, me, kind, tighten] of cases) {
    const verdict = judgeCacheFile(facts, me);
    assert.equal(verdict.kind, kind, what);
    if (tighten !== undefined) assert.equal(verdict.kind === "use" && verdict.tighten, tighten, what);
  }
});

test("judgeDirectory: the user's or root's, not writable by others; kcc-cache's own is tightened", () => {
  const cases: [string, PathFacts, boolean, PathVerdict["kind"], boolean?][] = [
    ["missing", { kind: "missing" }, false, "absent"],
    ["own 0700", dir(ME, 0o700), false, "use", false],
    ["own 0755 chosen by the user: left as is", dir(ME, 0o755), false, "use", false],
    ["own 0755, kcc-cache's own: tightened", dir(ME, 0o755), true, "use", true],
    ["own 0777, kcc-cache's own: tightened", dir(ME, 0o777), true, "use", true],
    ["own 0770 chosen by the user: writable by the group", dir(ME, 0o770), false, "distrust"],
    ["own 0757 chosen by the user: writable by others", dir(ME, 0o757), false, "distrust"],
    ["root's 0755", dir(0, 0o755), false, "use", false],
    ["root's 1777 (/tmp)", dir(0, 0o1777), false, "distrust"],
    ["root's 0755 named after kcc-cache: not tightened", dir(0, 0o755), true, "use", false],
    ["another user's 0700", dir(65534, 0o700), false, "distrust"],
    ["another user's, named after kcc-cache", dir(65534, 0o700), true, "distrust"],
    ["no uids (Windows)", dir(65534, 0o777), false, "use", false],
    ["a file in its place", file(ME, 0o600), false, "distrust"],
    ["a parent that is a file", { kind: "unreachable", code: "ENOTDIR" }, false, "distrust"],
  ];
  for (const [what, facts, dedicated, kind, tighten] of cases) {
    const verdict = judgeDirectory(facts, what.startsWith("no uids") ? undefined : ME, dedicated);
    assert.equal(verdict.kind, kind, what);
    if (tighten !== undefined) assert.equal(verdict.kind === "use" && verdict.tighten, tighten, what);
  }
});
