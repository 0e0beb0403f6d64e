import assert from "node:assert/strict";
import { test } from "node:test";
import { API_V1, API_V1BETA1, isoIn, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, execInfo, kccCache, stderrLines, useSandbox } from "./support/kcc-cache.js";

const expiry = isoIn(3_600_000);

/** Deterministic bytes (mulberry32), so a failure can be replayed. */
function seededBytes(seed: number, length: number): Buffer {
  let state = seed >>> 0;
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    bytes[i] = ((x ^ (x >>> 14)) >>> 0) & 0xff;
  }
  return bytes;
}

// Through the command's real stdout pipe: more bytes than a pipe buffer holds, all of which must be
// written before the process exits.
test("100,000 random bytes (not UTF-8) reach the caller byte for byte, and are not cached", async (t) => {
  const sandbox = useSandbox(t);
  const bytes = seededBytes(10, 100_000);
  const plugin = writeFakePlugin(sandbox, "random-bytes", { stdout: bytes });
  const first = await kccCache(sandbox, [plugin.path]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdoutBytes.length, bytes.length);
  assert.ok(first.stdoutBytes.equals(bytes), "the same bytes, not a UTF-8 re-encoding of them");
  assert.match(first.stderr, /not cached/);
  const second = await kccCache(sandbox, [plugin.path]);
  assert.ok(second.stdoutBytes.equals(bytes));
  assert.equal(plugin.runs(), 2);
});

/**
 * Every kind of output, valid or not, runs in-process (test/unit/output-validation-in-process.test.ts).
 * These cases prove the installed command's wiring: the apiVersion kubectl asks for reaches the
 * check, and a YAML credential is parsed by the YAML module the command loads only when it needs it.
 */
test("invalid plugin output (an apiVersion other than the one KUBERNETES_EXEC_INFO asks for) reaches kubectl unchanged, with one line, and is not cached", async (t) => {
  const sandbox = useSandbox(t);
  const stdout = `{"kind":"ExecCredential","apiVersion":"${API_V1BETA1}","status":{"token":"t0ken-value","expirationTimestamp":"${expiry}"}}\n`;
  const plugin = writeFakePlugin(sandbox, "invalid-output", { stdout });
  const env = { KUBERNETES_EXEC_INFO: execInfo(API_V1) };

  const first = await kccCache(sandbox, [plugin.path], { env });
  assert.equal(first.code, 0, "the plugin succeeded; kubectl decides what to make of its output");
  assert.equal(first.stdout, stdout, "stdout is exactly what the plugin printed");
  const lines = stderrLines(first);
  assert.equal(lines.length, 1, `one stderr line, got:\n${first.stderr}`);
  assert.match(lines[0] ?? "", /not cached/);

  const second = await kccCache(sandbox, [plugin.path], { env });
  assert.equal(second.stdout, stdout);
  assert.equal(plugin.runs(), 2, "the next call runs the plugin again");
});

test("valid plugin output (a YAML credential) is cached and served byte for byte", async (t) => {
  const sandbox = useSandbox(t);
  const stdout = `apiVersion: ${API_V1BETA1}\nkind: ExecCredential\nstatus:\n  token: yaml-token\n  expirationTimestamp: "${expiry}"\n`;
  const plugin = writeFakePlugin(sandbox, "valid-output", { stdout });
  const first = await kccCache(sandbox, [plugin.path]);
  const second = await kccCache(sandbox, [plugin.path]);
  assertOk(first);
  assertOk(second);
  assert.equal(first.stderr, "");
  assert.equal(first.stdout, stdout);
  assert.equal(second.stdout, stdout);
  assert.equal(plugin.runs(), 1);
});
