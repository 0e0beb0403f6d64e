import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { identityVariables } from "../../src/core/cache/identity-variables.js";
import { configureProperties } from "./seed.js";

configureProperties(5000);

// Names made of the rule's own words, of words that only contain them (MYTOKEN, PASS, CONFIGS) and of
// words it does not know, joined by underscores, empty words included: whatever shortcut the rule takes
// before splitting a name into words must give what the rule itself says.
const WORDS = [
  ...["TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "APIKEY", "CREDENTIALS", "KEY"],
  ...["API", "ACCESS", "PRIVATE", "CONFIG", "FILE", "DIR", "PATH", "HOME", "XDG", "KRB5"],
  ...["AWS", "VAULT", "OS", "GCE", "METADATA", "ALIBABA", "CLOUD", "STORE"],
  ...["PAGER", "LEVEL", "OUTPUT", "ACTIVITY", "MODE"],
  ...["MYTOKEN", "TOKENS", "PASS", "KEYS", "CONFIGS", "SECRETLY", "X", "", "token", "aws"],
];
const name = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 })
  .map((words) => words.join("_"));

/**
 * The rule as docs/cache-key.md states it, written plainly, for the names `name` can make: of the
 * homes, families and quiet words, only those these words can spell.
 */
function ruleSays(candidate: string): boolean {
  if (["HOME", "XDG_CONFIG_HOME", "KRB5_CONFIG"].includes(candidate)) return true;
  const words = candidate.split("_").filter((word) => word !== "");
  const secretWords = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "APIKEY", "CREDENTIALS"];
  const secret = words.some(
    (word, at) =>
      secretWords.includes(word) ||
      (word === "KEY" && ["API", "ACCESS", "PRIVATE"].includes(words[at - 1] ?? "")),
  );
  const last = words.at(-1);
  const beforeLast = words.at(-2);
  const configLocation =
    (words.length > 1 && last === "CONFIG") ||
    (words.length > 2 && beforeLast === "CONFIG" && ["FILE", "DIR", "PATH", "HOME"].includes(last ?? ""));
  if (secret || configLocation) return true;
  const prefixes = ["AWS_", "VAULT_", "OS_", "GCE_METADATA_", "ALIBABA_CLOUD_", "PASSWORD_STORE_"];
  if (!prefixes.some((prefix) => candidate.startsWith(prefix))) return false;
  return !["PAGER", "LEVEL", "OUTPUT"].includes(last ?? "") && candidate !== "OS_ACTIVITY_MODE";
}

test("identityVariables: picks a name exactly when the rule's words say so", () => {
  fc.assert(
    fc.property(name, (candidate) => {
      assert.deepEqual(identityVariables([candidate]), ruleSays(candidate) ? [candidate] : []);
    }),
  );
});

test("identityVariables: of many names, the ones the rule picks, in their order", () => {
  fc.assert(
    fc.property(fc.array(name, { maxLength: 30 }), (names) => {
      assert.deepEqual(identityVariables(names), names.filter(ruleSays));
    }),
  );
});
