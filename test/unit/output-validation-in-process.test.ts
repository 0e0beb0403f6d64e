import assert from "node:assert/strict";
import { test } from "node:test";
import { CERT, KEY } from "../fixtures/exec-credential-corpus.js";
import { API_V1, API_V1BETA1, isoIn, writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { execInfo } from "../e2e/support/kcc-cache.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * What kcc-cache does with each kind of plugin output, case by case, through kcc-cache as a function
 * with a real plugin script. test/e2e/kcc-cache-output-validation.test.ts keeps a few cases on the
 * installed command (its stdout pipe, and the YAML parser it loads lazily).
 */

const expiry = isoIn(3_600_000);

/** "Billion laughs" after a valid YAML credential: 10^9 strings if every alias were expanded. */
function aliasBomb(): string {
  const lines = [
    `apiVersion: ${API_V1BETA1}`,
    "kind: ExecCredential",
    "status:",
    "  token: t0ken-value",
    'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let level = 1; level < 10; level += 1) {
    lines.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(",")}]`);
  }
  return `${lines.join("\n")}\n`;
}

const valid = (status: string, apiVersion = API_V1BETA1): string =>
  `{"kind":"ExecCredential","apiVersion":"${apiVersion}","status":${status}}\n`;
const tokenStatus = `{"token":"t0ken-value","expirationTimestamp":"${expiry}"}`;

/** Outputs client-go rejects (docs/protocol.md): kubectl must see them as if kcc-cache were not there. */
const invalidOutputs: { name: string; stdout: string; requested?: string }[] = [
  { name: "empty stdout", stdout: "" },
  { name: "whitespace only", stdout: "\n  \n" },
  { name: "a log line before the JSON", stdout: `Refreshing token...\n${valid(tokenStatus)}` },
  { name: "trailing garbage after the JSON", stdout: `${valid(tokenStatus)}done.\n` },
  { name: "two JSON objects", stdout: `${valid(tokenStatus)}${valid(tokenStatus)}` },
  { name: "a wrong kind", stdout: valid(tokenStatus).replace("ExecCredential", "Credential") },
  {
    name: "an apiVersion other than the one KUBERNETES_EXEC_INFO asks for",
    stdout: valid(tokenStatus, API_V1BETA1),
    requested: API_V1,
  },
  {
    name: "the removed v1alpha1 apiVersion",
    stdout: valid(tokenStatus, "client.authentication.k8s.io/v1alpha1"),
  },
  { name: "no status", stdout: `{"kind":"ExecCredential","apiVersion":"${API_V1BETA1}"}\n` },
  { name: "a status without token or certificate", stdout: valid(`{"expirationTimestamp":"${expiry}"}`) },
  { name: "an empty token", stdout: valid(`{"token":"","expirationTimestamp":"${expiry}"}`) },
  {
    name: "a client certificate without its key",
    stdout: valid(
      `{"clientCertificateData":"-----BEGIN CERTIFICATE-----","expirationTimestamp":"${expiry}"}`,
    ),
  },
  {
    name: "an unparseable expirationTimestamp",
    stdout: valid(`{"token":"t","expirationTimestamp":"tomorrow"}`),
  },
  {
    name: "a timestamp without a time zone",
    stdout: valid(`{"token":"t","expirationTimestamp":"2099-01-01T00:00:00"}`),
  },
  { name: "a JSON array", stdout: `[${valid(tokenStatus)}]\n` },
  { name: "binary garbage", stdout: "\u0000\u0001\u00ff not a credential" },
  { name: "a YAML alias bomb", stdout: aliasBomb() },
];

for (const { name, stdout, requested } of invalidOutputs) {
  test(`invalid plugin output (${name}) reaches kubectl unchanged, with one line, and is not cached`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "invalid-output", { stdout });
    const env = requested === undefined ? {} : { KUBERNETES_EXEC_INFO: execInfo(requested) };

    const first = await cache.call([plugin.path], { env });
    assert.equal(first.code, 0, "the plugin succeeded; kubectl decides what to make of its output");
    assert.equal(first.stdout, stdout, "stdout is exactly what the plugin printed");
    const lines = first.stderr.split("\n").filter((line) => line !== "");
    assert.equal(lines.length, 1, `one stderr line, got:\n${first.stderr}`);
    assert.match(lines[0] ?? "", /not cached/);

    const second = await cache.call([plugin.path], { env });
    assert.equal(second.stdout, stdout);
    assert.equal(plugin.runs(), 2, "the next call runs the plugin again");
  });
}

const validOutputs: { name: string; stdout: string; requested?: string }[] = [
  // kubectl accepts both (client-go fills in a missing kind, and reads only the first YAML document).
  { name: "no kind", stdout: `{"apiVersion":"${API_V1BETA1}","status":${tokenStatus}}\n` },
  {
    name: "two YAML documents",
    stdout: `kind: ExecCredential\napiVersion: ${API_V1BETA1}\nstatus:\n  token: a\n---\nkind: ExecCredential\napiVersion: ${API_V1BETA1}\nstatus:\n  token: b\n`,
  },
  {
    name: "a YAML credential",
    stdout: `apiVersion: ${API_V1BETA1}\nkind: ExecCredential\nstatus:\n  token: yaml-token\n  expirationTimestamp: "${expiry}"\n`,
  },
  {
    name: "a YAML credential with an unquoted timestamp and a document marker",
    stdout: `---\napiVersion: ${API_V1}\nkind: ExecCredential\nstatus:\n  expirationTimestamp: ${expiry}\n  token: yaml-token\n`,
    requested: API_V1,
  },
  {
    name: "a client certificate pair",
    // A real pair: kubectl parses it and checks that the key belongs to the certificate.
    stdout: valid(
      `{"clientCertificateData":${JSON.stringify(CERT)},"clientKeyData":${JSON.stringify(KEY)},"expirationTimestamp":"${expiry}"}`,
    ),
  },
  {
    name: "unknown fields and a fractional timestamp with an offset",
    stdout: valid(
      `{"token":"t","expirationTimestamp":"2099-01-01T02:00:00.123456+02:00","future":1}`,
    ).replace('"status"', '"spec":{"interactive":false,"new":true},"status"'),
  },
  { name: "compact JSON without a final newline", stdout: valid(tokenStatus).trimEnd() },
  { name: "v1, as requested", stdout: valid(tokenStatus, API_V1), requested: API_V1 },
];

for (const { name, stdout, requested } of validOutputs) {
  test(`valid plugin output (${name}) is cached and served byte for byte`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "valid-output", { stdout });
    const env = requested === undefined ? {} : { KUBERNETES_EXEC_INFO: execInfo(requested) };
    const first = await cache.call([plugin.path], { env });
    const second = await cache.call([plugin.path], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(first.stderr, "");
    assert.equal(first.stdout, stdout);
    assert.equal(second.stdout, stdout);
    assert.equal(plugin.runs(), 1);
  });
}
