import assert from "node:assert/strict";
import { test } from "node:test";
import { describeBindingFailure } from "../../src/core/store/binding-failure.js";

const rows: [string, string, string][] = [
  [
    "a platform package npm skipped (--omit=optional)",
    "Cannot find module '@napi-rs/keyring-darwin-arm64'",
    "the secret-store binding's platform package (@napi-rs/keyring-darwin-arm64) is not installed: reinstall kube-credential-cache without --omit=optional or --no-optional",
  ],
  ["another module missing is passed on", "Cannot find module 'left-pad'", "Cannot find module 'left-pad'"],
  [
    "a blocked extraction (wine, antivirus)",
    "LoadLibrary failed: Module not found.",
    "LoadLibrary failed: Module not found.",
  ],
  ["a library the OS refuses", "dlopen failed: invalid ELF header", "dlopen failed: invalid ELF header"],
  [
    "a platform without a binding",
    "no native secret-store binding is built for freebsd-x64",
    "no native secret-store binding is built for freebsd-x64",
  ],
];
for (const [what, message, expected] of rows) {
  test(`describeBindingFailure: ${what}`, () => {
    assert.equal(describeBindingFailure(message), expected);
  });
}
