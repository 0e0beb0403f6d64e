import assert from "node:assert/strict";
import { test } from "node:test";
import { validateExecCredential } from "../../src/core/credential/exec-credential.js";
import { decodePluginOutput } from "../../src/core/credential/plugin-output.js";
import { CONFIGURED_API_VERSION, CORPUS } from "../fixtures/exec-credential-corpus.js";

// The rows whose verdicts real kubectl recorded (test/fixtures/exec-credential-corpus.ts): the core must agree on each.
for (const row of CORPUS) {
  test(`kubectl ${row.kubectl} ${row.name}: so does the core`, async () => {
    const decoded = await decodePluginOutput(row.stdout);
    const verdict = decoded.ok ? validateExecCredential(decoded.value, CONFIGURED_API_VERSION) : decoded;
    assert.equal(verdict.ok ? "accepts" : "rejects", row.kubectl, verdict.ok ? "accepted" : verdict.reason);
  });
}
