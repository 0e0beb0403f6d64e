import assert from "node:assert/strict";
import { test } from "node:test";
import { validateExecCredential } from "../../src/core/credential/exec-credential.js";
import { decodePluginOutput } from "../../src/core/credential/plugin-output.js";
import { CERT, KEY } from "../fixtures/exec-credential-corpus.js";

const V1 = "client.authentication.k8s.io/v1";
const V1BETA1 = "client.authentication.k8s.io/v1beta1";

function credential(status: unknown, extra: Record<string, unknown> = {}): unknown {
  return { kind: "ExecCredential", apiVersion: V1BETA1, status, ...extra };
}

test("valid credentials and the facts kcc-cache keeps", () => {
  const cases: [string, unknown, string | undefined, "token" | "certificate", number | undefined][] = [
    [
      "token with expiry",
      credential({ token: "t", expirationTimestamp: "2026-01-01T00:00:00Z" }),
      V1BETA1,
      "token",
      Date.UTC(2026, 0, 1),
    ],
    [
      "fractional seconds",
      credential({ token: "t", expirationTimestamp: "2026-01-01T00:00:00.5Z" }),
      undefined,
      "token",
      Date.UTC(2026, 0, 1) + 500,
    ],
    [
      "numeric offset",
      credential({ token: "t", expirationTimestamp: "2026-01-01T02:00:00+02:00" }),
      undefined,
      "token",
      Date.UTC(2026, 0, 1),
    ],
    [
      "Go's zero time",
      credential({ token: "t", expirationTimestamp: "0001-01-01T00:00:00Z" }),
      undefined,
      "token",
      -62_135_596_800_000,
    ],
    ["no expiry", credential({ token: "t" }), undefined, "token", undefined],
    ["null expiry", credential({ token: "t", expirationTimestamp: null }), undefined, "token", undefined],
    [
      "client certificate",
      credential({ clientCertificateData: CERT, clientKeyData: KEY }),
      undefined,
      "certificate",
      undefined,
    ],
    [
      "v1 without a requested version",
      { kind: "ExecCredential", apiVersion: V1, status: { token: "t" } },
      undefined,
      "token",
      undefined,
    ],
    [
      "unknown fields are ignored",
      credential({ token: "t", extra: 1 }, { spec: { interactive: false }, more: true }),
      V1BETA1,
      "token",
      undefined,
    ],
  ];
  for (const [what, document, expected, kind, expiresAtMs] of cases) {
    assert.deepEqual(
      validateExecCredential(document, expected),
      { ok: true, facts: { kind, expiresAtMs } },
      what,
    );
  }
});

test("invalid credentials are refused with a reason that never quotes a value", () => {
  const cases: [string, unknown, string | undefined, RegExp][] = [
    ["not an object", ["x"], undefined, /not an ExecCredential/],
    ["wrong kind", { ...(credential({ token: "t" }) as object), kind: "Secret" }, undefined, /kind/],
    [
      "missing apiVersion",
      { kind: "ExecCredential", status: { token: "t" } },
      undefined,
      /apiVersion is missing/,
    ],
    ["apiVersion mismatch", credential({ token: "t" }), V1, /does not match/],
    [
      "removed v1alpha1",
      { kind: "ExecCredential", apiVersion: "client.authentication.k8s.io/v1alpha1", status: { token: "t" } },
      undefined,
      /not a supported/,
    ],
    ["no status", { kind: "ExecCredential", apiVersion: V1BETA1 }, undefined, /status is missing/],
    ["empty token", credential({ token: "" }), undefined, /neither a token/],
    ["certificate without key", credential({ clientCertificateData: "c" }), undefined, /only one of/],
    ["bad timestamp", credential({ token: "t", expirationTimestamp: "tomorrow" }), undefined, /RFC 3339/],
    ["date only", credential({ token: "t", expirationTimestamp: "2026-01-01" }), undefined, /RFC 3339/],
    ["numeric timestamp", credential({ token: "t", expirationTimestamp: 1767225600 }), undefined, /RFC 3339/],
  ];
  for (const [what, document, expected, reason] of cases) {
    const result = validateExecCredential(document, expected);
    assert.equal(result.ok, false, what);
    if (!result.ok) {
      assert.match(result.reason, reason, what);
      assert.ok(!result.reason.includes('"t"'), what);
    }
  }
});

test("plugin output decodes as JSON or exactly one YAML document", async () => {
  const json = '{"kind":"ExecCredential","apiVersion":"v","status":{"token":"t"}}\n';
  assert.deepEqual(await decodePluginOutput(json), { ok: true, value: JSON.parse(json) as unknown });
  const yaml =
    "kind: ExecCredential\napiVersion: v\nstatus:\n  token: t\n  expirationTimestamp: 2026-01-01T00:00:00Z\n";
  assert.deepEqual(await decodePluginOutput(yaml), {
    ok: true,
    value: {
      kind: "ExecCredential",
      apiVersion: "v",
      status: { token: "t", expirationTimestamp: "2026-01-01T00:00:00Z" },
    },
  });
  // Refused either by decoding or by validation (a log line plus JSON is one multi-line YAML string).
  const refused: [string, string][] = [
    ["empty", ""],
    ["blank", " \n"],
    ["log line before JSON", `Fetching token...\n${json}`],
    ["trailing garbage", `${json}garbage{`],
    ["two documents", "kind: ExecCredential\n---\nkind: ExecCredential\n"],
    ["broken YAML", "kind: [\n"],
  ];
  for (const [what, stdout] of refused) {
    const decoded = await decodePluginOutput(stdout);
    assert.equal(decoded.ok && validateExecCredential(decoded.value, undefined).ok, false, what);
  }
});
