import assert from "node:assert/strict";
import { test } from "node:test";
import { API_V1BETA1, isoIn } from "../e2e/support/fake-plugin.js";
import { assertStoppedPastOutputLimit } from "../e2e/support/failure-assertions.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * A plugin that prints without end (docs/plugin-limits.md): kcc-cache reads at most 64 MiB of its
 * stdout, stops it, and fails with one line, nothing printed and nothing cached, instead of growing
 * without bound. In-process with real plugin scripts and the real limit (64 MiB through a pipe takes
 * about a second). test/e2e/kcc-cache-failures.test.ts keeps one case on the installed command, and
 * the background refresher's case is in test/e2e/kcc-cache-background-refresh.test.ts.
 */

const credential = `{"kind":"ExecCredential","apiVersion":"${API_V1BETA1}","status":{"token":"t0ken-endless","expirationTimestamp":"${isoIn(3_600_000)}"}}`;

const endlessPlugins: { name: string; body: string; outcome: RegExp }[] = [
  {
    name: "text lines (yes)",
    body: "exec yes",
    outcome: /; it was terminated \(SIGTERM\); nothing was cached$/,
  },
  {
    name: "binary zeros (cat /dev/zero)",
    body: "exec cat /dev/zero",
    outcome: /; it was terminated \(SIGTERM\); nothing was cached$/,
  },
  {
    name: "a valid credential first, then without end",
    body: `printf '%s\\n' '${credential}'; exec yes`,
    outcome: /; it was terminated \(SIGTERM\); nothing was cached$/,
  },
  {
    // Writes through children that die of EPIPE, while the plugin itself ignores SIGTERM and SIGPIPE.
    name: "ignoring SIGTERM and SIGPIPE",
    body: "trap '' TERM PIPE\nwhile :; do head -c 1048576 /dev/zero 2>/dev/null; done",
    outcome: /; it did not end within 3s of SIGTERM and was killed \(SIGKILL\); nothing was cached$/,
  },
];

for (const { name, body, outcome } of endlessPlugins) {
  test(`a plugin printing without end (${name}): stopped past 64 MiB, exit 126, one line, nothing printed or cached`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = cache.sandbox.writeScript("endless", `#!/bin/sh\n${body}\n`);
    const result = await cache.call([plugin]);
    assertStoppedPastOutputLimit(result, plugin, outcome, cache.sandbox.cacheFile);
    assert.ok(!result.stderr.includes("t0ken-endless"), "never a credential in the message");
  });
}
