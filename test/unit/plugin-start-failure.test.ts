import assert from "node:assert/strict";
import { test } from "node:test";
import { PluginError } from "../../src/core/errors.js";
import { runPlugin } from "../../src/io/processes/plugin.js";

/**
 * A start that spawn refuses by throwing rather than by an 'error' event (Windows' EUNKNOWN, E2BIG, an
 * argument it will not pass): the same one-line plugin error as a missing plugin gets, never an
 * "unexpected error" that quotes the refused argument. An argument with a NUL byte is the one such
 * refusal every platform makes at once.
 */
test("a plugin that spawn refuses to start is one line naming the plugin, without its arguments", async () => {
  const secret = "--client-secret=s3cr3t";
  const refused = runPlugin("sh", ["-c", "exit 0", `${secret}\u0000`], { PATH: process.env["PATH"] ?? "" });
  await assert.rejects(refused, (error: unknown) => {
    assert.ok(error instanceof PluginError, `not a plugin error: ${String(error)}`);
    assert.equal(error.message, 'credential plugin "sh" could not be started: ERR_INVALID_ARG_VALUE');
    assert.doesNotMatch(error.message, /s3cr3t/);
    return true;
  });
});
