import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { servedLine, wholeLines, type CallerIdentity } from "../../src/core/cache/caller-identity.js";
import { readServedLog } from "../../src/io/processes/served-log.js";
import { useTempDir } from "./support/temp-dir.js";

const caller = (pid: number): CallerIdentity => ({ pid, start: String(1000 + pid), exe: "/usr/bin/kubectl" });
const ours = servedLine(caller(7), 42);
/** The log as it reads back: would the rejected-credential rule find our caller in it? */
const findsOurs = (log: string | undefined): boolean =>
  log !== undefined && (log.startsWith(ours) || log.includes(`\n${ours}`));
const others = (count: number): string =>
  Array.from({ length: count }, (_, at) => servedLine(caller(100 + at), 42)).join("");

test("whole lines: a log read from its start is kept; one read from the middle loses its cut first line", () => {
  assert.equal(wholeLines("a\nb\n", true), "a\nb\n");
  assert.equal(wholeLines('pid":7}\n{"pid":8}\n', false), '\n{"pid":8}\n');
  assert.equal(wholeLines("no newline at all", false), "");
});

test("served log: a small log is read whole", (t) => {
  const path = join(useTempDir(t), "key.callers");
  writeFileSync(path, ours + others(3));
  assert.ok(findsOurs(readServedLog(path)));
});

test("served log: a long log is read from its end, where a retrying caller's line is", (t) => {
  const path = join(useTempDir(t), "key.callers");
  writeFileSync(path, others(2_000) + ours + others(5));
  const log = readServedLog(path);
  assert.ok(findsOurs(log), "our line, near the end");
  assert.ok((log?.length ?? 0) < 64 * 1024, "not the whole log");
  assert.ok(log?.startsWith("\n"), "no cut line at the start");
});

test("served log: a line far back in a long log is no longer found (the documented cost)", (t) => {
  const path = join(useTempDir(t), "key.callers");
  writeFileSync(path, ours + others(2_000));
  assert.equal(findsOurs(readServedLog(path)), false);
});

test("served log: missing is undefined", (t) => {
  assert.equal(readServedLog(join(useTempDir(t), "none.callers")), undefined);
});
