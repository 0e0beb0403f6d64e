import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ConfigError,
  EXIT_CODES,
  KubeconfigError,
  LockError,
  PluginError,
  StoreError,
  UsageError,
  errorSummary,
  type KccError,
} from "../../src/core/errors.js";
import { describeErrno, errnoOf } from "../../src/core/system-error.js";

const systemError = (code: string, message = `${code}: some words, open '/x'`): Error =>
  Object.assign(new Error(message), { code });

test("describeErrno: words, then the code to search for", () => {
  const cases: [string, string][] = [
    ["ENOSPC", "no space left on device (ENOSPC)"],
    ["EROFS", "read-only file system (EROFS)"],
    ["EDQUOT", "disk quota exceeded (EDQUOT)"],
    ["EACCES", "permission denied (EACCES)"],
    ["EPERM", "permission denied (EPERM)"],
    ["ENOENT", "no such file (ENOENT)"],
    ["EISDIR", "it is a directory (EISDIR)"],
    ["ENOTDIR", "a part of the path is not a directory (ENOTDIR)"],
    ["ECONNREFUSED", "connection refused (ECONNREFUSED)"],
    ["EWHATEVER", "EWHATEVER"],
  ];
  for (const [code, text] of cases) assert.equal(describeErrno(code), text, code);
});

test("errnoOf: only a system error's code", () => {
  const cases: [string, unknown, string | undefined][] = [
    ["a system error", systemError("ENOSPC"), "ENOSPC"],
    ["a plain object with a code", { code: "EROFS" }, "EROFS"],
    ["our own error's code is not an errno", new UsageError("x"), undefined],
    ["a numeric code", { code: 28 }, undefined],
    ["a library's code", { code: "ERR_INVALID_ARG_TYPE" }, undefined],
    ["no code", new Error("x"), undefined],
    ["not an object", "ENOSPC", undefined],
    ["null", null, undefined],
  ];
  for (const [what, error, code] of cases) assert.equal(errnoOf(error), code, what);
});

test("errorSummary: our message, a system error in words, else the first line", () => {
  const cases: [string, unknown, string][] = [
    [
      "ours",
      new StoreError("cache file /c is locked by another process; not updated"),
      "cache file /c is locked by another process; not updated",
    ],
    ["full disk", systemError("ENOSPC"), "no space left on device (ENOSPC)"],
    ["read-only", systemError("EROFS"), "read-only file system (EROFS)"],
    ["an unknown errno", systemError("EXDEV"), "EXDEV"],
    ["a multi-line library error", new Error("D-Bus said no\n  at frame"), "D-Bus said no"],
    ["a string", "plain text", "plain text"],
  ];
  for (const [what, error, text] of cases) assert.equal(errorSummary(error), text, what);
});

test("the exit status comes from the error's code alone", () => {
  const cases: [KccError, number][] = [
    [new UsageError("u"), 2],
    [new ConfigError("c"), 2],
    [new PluginError("PLUGIN_NOT_FOUND", "p"), 127],
    [new PluginError("PLUGIN_NOT_EXECUTABLE", "p"), 126],
    [new PluginError("PLUGIN_FAILED", "p"), 126],
    [new StoreError("s"), 1],
    [new LockError("l"), 1],
    [new KubeconfigError("k"), 1],
  ];
  for (const [error, exit] of cases)
    assert.deepEqual([error.exitCode, EXIT_CODES[error.code]], [exit, exit], error.code);
});
