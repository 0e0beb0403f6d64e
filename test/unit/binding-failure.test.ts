import assert from "node:assert/strict";
import { test } from "node:test";
import { describeBindingFailure } from "../../src/core/store/binding-failure.js";

const NAPI =
  "Cannot find native binding. npm has a bug related to optional dependencies (https://github.com/npm/cli/issues/4828). Please try `npm i` again after removing both package-lock.json and node_modules directory.";

const rows: [string, string, boolean, RegExp][] = [
  [
    "npm's missing platform package, on Node",
    NAPI,
    false,
    /^the secret-store binding's platform package .* reinstall kube-credential-cache/,
  ],
  ["the same message in a binary", NAPI, true, /^the binary's embedded secret-store binding is missing$/],
  [
    "a blocked extraction (wine, antivirus)",
    "LoadLibrary failed: Module not found.",
    true,
    /^LoadLibrary failed: Module not found\.$/,
  ],
  [
    "a library the OS refuses",
    "dlopen failed: invalid ELF header",
    false,
    /^dlopen failed: invalid ELF header$/,
  ],
];
for (const [what, message, standalone, expected] of rows) {
  test(`describeBindingFailure: ${what}`, () => {
    const said = describeBindingFailure(message, standalone);
    assert.match(said, expected);
    assert.doesNotMatch(said, /package-lock\.json|npm i`/, "never the project advice");
  });
}
