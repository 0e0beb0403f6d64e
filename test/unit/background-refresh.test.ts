import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBackgroundMarker } from "../../src/core/cache/background-marker.js";
import {
  formatBackgroundRecord,
  lastBackgroundRecords,
  nonInteractiveExecInfo,
  type BackgroundRecord,
} from "../../src/core/cache/background-refresh.js";
import { BACKGROUND_RETRY_AFTER_MS, backgroundRetryInMs } from "../../src/core/cache/serve-decision.js";
import { readCacheConfig } from "../../src/core/config.js";

test("nonInteractiveExecInfo sets spec.interactive false and keeps everything else", () => {
  const cases: [string | undefined, string | undefined][] = [
    [undefined, undefined],
    ["", ""],
    ["not json", "not json"],
    ["[1]", "[1]"],
    [
      '{"kind":"ExecCredential","spec":{"interactive":true}}',
      '{"kind":"ExecCredential","spec":{"interactive":false}}',
    ],
    [
      '{"apiVersion":"v1","spec":{"cluster":{"server":"s"},"interactive":true}}',
      '{"apiVersion":"v1","spec":{"cluster":{"server":"s"},"interactive":false}}',
    ],
    ['{"kind":"ExecCredential"}', '{"kind":"ExecCredential","spec":{"interactive":false}}'],
    ['{"spec":null}', '{"spec":{"interactive":false}}'],
  ];
  for (const [raw, expected] of cases) assert.equal(nonInteractiveExecInfo(raw), expected, String(raw));
});

test("parseBackgroundMarker accepts only an entry version", () => {
  const cases: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ["", undefined],
    ["1", 1],
    ["1764386400000", 1764386400000],
    ["-1", undefined],
    ["1.5", undefined],
    ["12345678901234567", undefined],
    ["1; rm -rf /", undefined],
  ];
  for (const [value, expected] of cases) assert.equal(parseBackgroundMarker(value), expected, String(value));
});

const record = (key: string, at: string, result: BackgroundRecord["result"]): BackgroundRecord => ({
  at,
  key,
  result,
  why: `why ${at}`,
  ms: 1,
});

test("lastBackgroundRecords keeps the last record per key and skips lines that are not records", () => {
  const a1 = record("a", "2026-01-01T00:00:01Z", "refreshed");
  const b1 = record("b", "2026-01-01T00:00:02Z", "failed");
  const a2 = record("a", "2026-01-01T00:00:03Z", "failed");
  const text =
    [a1, b1, a2].map(formatBackgroundRecord).join("") +
    'garbage\n{"key":1}\n' +
    '{"at":"x","key":"c","result":"odd","why":"","ms":1}\n';
  const cases: [string, BackgroundRecord[]][] = [
    ["", []],
    [formatBackgroundRecord(a1), [a1]],
    [text, [b1, a2]],
    // A line cut short by a full disk or a rotation race is skipped, the rest still read.
    [`${formatBackgroundRecord(a1).slice(0, 20)}\n${formatBackgroundRecord(b1)}`, [b1]],
  ];
  for (const [input, expected] of cases) assert.deepEqual(lastBackgroundRecords(input), expected);
});

test("KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH is a Go duration, 5m by default, 0 turns it off", () => {
  const cases: [string | undefined, number][] = [
    [undefined, 300_000],
    ["", 300_000],
    ["0", 0],
    ["90s", 90_000],
    ["1m30s", 90_000],
  ];
  for (const [value, ms] of cases)
    assert.equal(
      readCacheConfig({ KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: value }).backgroundRefreshMs,
      ms,
    );
  assert.throws(
    () => readCacheConfig({ KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "soon" }),
    /BACKGROUND_REFRESH/,
  );
  assert.throws(() => readCacheConfig({ KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: "-1s" }), /negative/);
});

test("after a failed background refresh, the next may start a minute later, never later than that", () => {
  const failedAt = 1_800_000_000_000;
  const cases: [number | undefined, number, number][] = [
    [undefined, failedAt, 0],
    [failedAt, failedAt, BACKGROUND_RETRY_AFTER_MS],
    [failedAt, failedAt + 59_000, 1_000],
    [failedAt, failedAt + BACKGROUND_RETRY_AFTER_MS, 0],
    [failedAt, failedAt + 3_600_000, 0],
    // Dated after now: the clock was set back, the failure's age is unknown.
    [failedAt, failedAt - 1, 0],
  ];
  for (const [failed, now, expected] of cases)
    assert.equal(backgroundRetryInMs(failed, now), expected, `failed ${String(failed)}, now ${now}`);
  assert.equal(BACKGROUND_RETRY_AFTER_MS, 60_000);
});
