import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { secretNames } from "../../src/core/cache/secret-name.js";
import { configureProperties } from "./seed.js";

configureProperties(5000);

// Names made of secret words, path words, words that hold either (KEYFILE, TOKENPATH, PROFILE) and
// other words, in either case, joined and followed by any separator a variable or flag name may hold:
// whatever shortcut the rule takes to find a name's last word must give what the rule itself says.
const WORDS = [
  ...["SECRET", "PASSWORD", "TOKEN", "KEY", "AUTH", "SESSION", "COOKIE", "token", "Key"],
  ...["FILE", "FILES", "FILENAME", "DIR", "DIRECTORY", "PATH", "file", "Path", "NAME"],
  ...["KEYFILE", "TOKENPATH", "PROFILE", "XFILE", "MYDIR", "FILEX", "PATHS"],
  ...["AWS", "CLIENT", "ID", "2", "X", "ß", ""],
];
const SEPARATORS = ["_", "-", ".", " ", "__", "_-", "", "$"];
const name = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), {
      minLength: 1,
      maxLength: 5,
    }),
    fc.constantFrom("", "_", "-", ".", "__"),
  )
  .map(([parts, trailing]) => parts.map(([word, separator]) => word + separator).join("") + trailing);

/** The rule as its module's comments state it, written plainly: a secret word anywhere, the last word not a path's. */
function ruleSays(candidate: string): boolean {
  const upper = candidate.toUpperCase();
  const secretWords = ["SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "KEY", "CREDENTIAL", "AUTH"];
  if (![...secretWords, "SESSION", "COOKIE"].some((word) => upper.includes(word))) return false;
  const last = upper.match(/[A-Z0-9]+/g)?.at(-1);
  return last !== undefined && !["FILE", "FILES", "FILENAME", "DIR", "DIRECTORY", "PATH"].includes(last);
}

test("secretNames: a name is secret exactly when the rule's words say so", () => {
  fc.assert(
    fc.property(fc.array(name, { maxLength: 20 }), (names) => {
      assert.deepEqual(secretNames(names), names.map(ruleSays));
    }),
  );
});
