import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_CACHEKEY_ENV_LIST, isDebug, readCacheConfig } from "../../src/core/config.js";
import { ConfigError } from "../../src/core/errors.js";

test("defaults match the Go original's documented defaults", () => {
  const config = readCacheConfig({});
  assert.equal(config.backend, "auto");
  assert.equal(config.cacheFile, undefined);
  assert.equal(config.refreshMarginMs, 30_000);
  assert.equal(config.defaultTtlMs, 3_600_000);
  assert.equal(config.noExpiryThresholdMs, 86_400_000);
  assert.deepEqual(config.cacheKeyEnvList, [
    "KUBE_CREDENTIAL_CACHE_USER",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_VAULT",
  ]);
  assert.equal(config.lockTimeoutMs, 60_000);
  assert.equal(config.backgroundRefreshMs, 5 * 60_000);
  assert.equal(config.selfHeal, true);
  assert.equal(config.debug, false);
});

test("background refresh window: a Go duration, 0 turns it off", () => {
  const cases: [string | undefined, number][] = [
    [undefined, 300_000],
    ["", 300_000],
    ["0", 0],
    ["0s", 0],
    ["90s", 90_000],
    [" 10m ", 600_000],
    ["1h30m", 5_400_000],
  ];
  for (const [value, ms] of cases) {
    assert.equal(
      readCacheConfig({ KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH: value }).backgroundRefreshMs,
      ms,
      String(value),
    );
  }
});

test("self-healing is on unless switched off explicitly", () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ["", true],
    ["1", true],
    ["TRUE", true],
    ["on", true],
    ["0", false],
    ["false", false],
    [" No ", false],
    ["off", false],
  ];
  for (const [value, on] of cases) {
    assert.equal(readCacheConfig({ KUBE_CREDENTIAL_CACHE_SELF_HEAL: value }).selfHeal, on, String(value));
  }
});

test("values are read from the environment; empty means unset", () => {
  const config = readCacheConfig({
    KUBE_CREDENTIAL_CACHE_BACKEND: "File",
    KUBE_CREDENTIAL_CACHE_FILE: "/tmp/x.json",
    KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN: "1m",
    KUBE_CREDENTIAL_CACHE_DEFAULT_TTL: "",
    KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD: "48h",
    KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST: " AWS_PROFILE , FOO,,FOO ",
    KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT: "1.5s",
  });
  assert.equal(config.backend, "file");
  assert.equal(config.cacheFile, "/tmp/x.json");
  assert.equal(config.refreshMarginMs, 60_000);
  assert.equal(config.defaultTtlMs, 3_600_000);
  assert.equal(config.noExpiryThresholdMs, 172_800_000);
  assert.deepEqual(config.cacheKeyEnvList, ["AWS_PROFILE", "FOO"]);
  assert.equal(config.lockTimeoutMs, 1500);
});

test("an empty env list falls back to the default list", () => {
  assert.deepEqual(
    readCacheConfig({ KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST: "" }).cacheKeyEnvList,
    DEFAULT_CACHEKEY_ENV_LIST,
  );
});

test("invalid values are one ConfigError naming the variable", () => {
  const cases: [string, string][] = [
    ["KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN", "soon"],
    ["KUBE_CREDENTIAL_CACHE_DEFAULT_TTL", "-1h"],
    ["KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD", "1d"],
    ["KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT", "5"],
    ["KUBE_CREDENTIAL_CACHE_BACKEND", "vault"],
    ["KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH", "5"],
    ["KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH", "-5m"],
    ["KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH", "soon"],
    ["KUBE_CREDENTIAL_CACHE_SELF_HEAL", "disabled"],
    ["KUBE_CREDENTIAL_CACHE_SELF_HEAL", "2"],
  ];
  for (const [name, value] of cases) {
    assert.throws(
      () => readCacheConfig({ [name]: value }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(name) &&
        error.message.includes(value) &&
        !error.message.includes("\n") &&
        error.exitCode === 2,
      `${name}=${value}`,
    );
  }
});

/** As the Go original reads it (measured against its binary): on for anything but empty and false words. */
const debugRows: [string | undefined, boolean][] = [
  ["1", true],
  ["true", true],
  ["YES", true],
  [" on ", true],
  ["2", true],
  ["verbose", true],
  ["f", true],
  ["0", false],
  ["false", false],
  ["FALSE", false],
  ["no", false],
  ["Off", false],
  ["", false],
  [" ", false],
  [undefined, false],
];
for (const [value, expected] of debugRows) {
  test(`KUBE_CREDENTIAL_CACHE_DEBUG=${JSON.stringify(value)} turns debug ${expected ? "on" : "off"}`, () => {
    assert.equal(isDebug({ KUBE_CREDENTIAL_CACHE_DEBUG: value }), expected);
  });
}
