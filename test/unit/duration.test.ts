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

test("parseDuration takes Go's range to the nanosecond", () => {
  const cases: [string, number | undefined][] = [
    ["2562047h47m16.854775807s", 9_223_372_036_854.775807],
    ["2562047h47m16.854775808s", undefined],
    ["-2562047h47m16.854775808s", -9_223_372_036_854.775808],
    ["-2562047h47m16.854775809s", undefined],
    ["9223372036854775807ns", 9_223_372_036_854.775807],
    ["9223372036854775808ns", undefined],
    ["2562048h", undefined],
    ["3000000000h", undefined],
    ["9999999999999999999999h", undefined],
    ["1e3s", undefined],
    ["0.000000001s", 0.000001],
    ["1.0000000001s", 1000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test("parseDuration rejects what Go rejects", () => {
  for (const text of ["", "soon", "30", "1d", "s", "-", "1h 30m", " 30s", "1.5.3s", "h1", "3S", ".", ".s"]) {
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
