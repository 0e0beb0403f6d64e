import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "../../src/core/duration.js";

test("parseDuration accepts Go's syntax", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["30s", 30_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    [".5s", 500],
    ["1.s", 1000],
    ["-2m", -120_000],
    ["+2m", 120_000],
    ["1h1m1s1ms", 3_661_001],
    ["1000us", 1],
    ["1000\u00b5s", 1],
    ["1000\u03bcs", 1],
    ["2000000ns", 2],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test("parseDuration rejects what Go rejects", () => {
  for (const text of ["", "soon", "30", "1d", "s", "-", "1h 30m", " 30s", "1.5.3s", "h1", "3S", "."]) {
    assert.equal(parseDuration(text), undefined, JSON.stringify(text));
  }
});

test("formatDuration reads like Go's String()", () => {
  const cases: [number, string][] = [
    [450, "450ms"],
    [30_000, "30s"],
    [899_000, "14m59s"],
    [3_600_000, "1h0m0s"],
    [-61_000, "-1m1s"],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
});
