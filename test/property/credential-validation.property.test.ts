import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parseRfc3339, validateExecCredential } from "../../src/core/credential/exec-credential.js";
import { decodePluginOutput } from "../../src/core/credential/plugin-output.js";
import { configureProperties } from "./seed.js";

configureProperties(300);

const apiVersion = fc.option(
  fc.constantFrom("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1", "x"),
  { nil: undefined },
);
/** Almost an ExecCredential: each field sometimes right, sometimes any JSON value. */
const nearCredential = fc.record(
  {
    kind: fc.oneof(fc.constant("ExecCredential"), fc.jsonValue({ maxDepth: 1 })),
    apiVersion: fc.oneof(fc.constant("client.authentication.k8s.io/v1"), fc.jsonValue({ maxDepth: 1 })),
    status: fc.oneof(
      fc.record(
        {
          token: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
          expirationTimestamp: fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: false }).map(String),
            fc.anything(),
          ),
          clientCertificateData: fc.string(),
          clientKeyData: fc.string(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
  },
  { requiredKeys: [] },
);
/** JSON or YAML text nested `depth` deep: parsers that recurse overflow the stack long before 12,000. */
const deepText = fc
  .tuple(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom("[", "{", "- ", "a: "), fc.boolean())
  .map(([depth, open, closed]) => {
    const opening = open === "{" ? '{"a":'.repeat(depth) : open.repeat(depth);
    const closing = !closed ? "" : open === "[" ? "]".repeat(depth) : open === "{" ? "}".repeat(depth) : "";
    return `${opening}1${closing}`;
  });
const pluginStdout = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString("utf8")),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  nearCredential.map((value) => JSON.stringify(value)),
  nearCredential.map((value) => JSON.stringify(value, null, 2).replace(/"/g, "")),
  fc.tuple(nearCredential, fc.string()).map(([value, junk]) => JSON.stringify(value) + junk),
  fc.constantFrom(
    "&a [*a]",
    "a: &a [x]\nb: *a\n",
    "--- a\n--- b\n",
    "!!binary x",
    "? [a]\n: b",
    "%YAML 9\n---",
  ),
  deepText,
);

test("validation never throws, on any decoded value", () => {
  fc.assert(
    fc.property(fc.oneof(fc.anything(), nearCredential), apiVersion, (value, expected) => {
      const result = validateExecCredential(value, expected);
      assert.equal(typeof result.ok, "boolean");
      if (result.ok && result.facts.expiresAtMs !== undefined)
        assert.ok(Number.isFinite(result.facts.expiresAtMs));
    }),
  );
});

test("decoding and validating never throw, on any plugin stdout (text, bytes, deep nesting, YAML oddities)", async () => {
  await fc.assert(
    fc.asyncProperty(pluginStdout, apiVersion, async (stdout, expected) => {
      const decoded = await decodePluginOutput(stdout);
      if (decoded.ok) validateExecCredential(decoded.value, expected);
      else assert.equal(typeof decoded.reason, "string");
    }),
  );
});

test("an RFC 3339 time parses to a finite instant or to nothing, never a throw", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc
          .tuple(
            fc.integer({ min: 0, max: 9999 }),
            fc.nat(99),
            fc.nat(99),
            fc.nat(99),
            fc.nat(99),
            fc.nat(99),
          )
          .map(([y, ...rest]) =>
            `${String(y).padStart(4, "0")}-${rest.map((n) => String(n).padStart(2, "0")).join("-")}Z`.replace(
              /^(.{10})-(..)-(..)-(..)/,
              "$1T$2:$3:$4",
            ),
          ),
      ),
      (text) => {
        const ms = parseRfc3339(text);
        if (ms !== undefined) assert.ok(Number.isFinite(ms));
      },
    ),
  );
});
