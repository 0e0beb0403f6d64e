import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import {
  assertCorruptEntryIsolated,
  assertDamageWarnedAndRebuilt,
  assertSecretNotEchoed,
  SECRET_IN_BROKEN_FILE,
} from "../e2e/support/damaged-cache-file.js";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * A damaged cache file, case by case, run in-process: kcc-cache still serves, says so in one line,
 * rebuilds what is its own, and never echoes what the file holds. The end-to-end store tests keep one
 * case of each table against the installed command.
 */

for (const [name, damage] of [
  ["truncated", (text: string) => text.slice(0, Math.floor(text.length / 2))],
  ["garbage", () => "\u0000\u0000garbage{{{"],
  ["a JSON array", () => "[1,2,3]\n"],
] as const) {
  test(`a ${name} cache file: one stderr line about it, the credential still served, the file rebuilt`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "broken-file");
    await assertDamageWarnedAndRebuilt(cache, plugin, damage);
  });
}

// Each row plants the secret afresh: at the default path a served credential rebuilds the file, and
// the management commands must be checked against the broken file too.
for (const where of ["the default path", "another path"] as const) {
  for (const argv of [["PLUGIN"], ["--list"], ["--status"]]) {
    const what = argv[0] === "PLUGIN" ? "a credential call" : argv.join(" ");
    test(`what a broken cache file at ${where} holds is never echoed by ${what}`, async (t) => {
      const cache = useInProcessCache(t);
      const plugin = writeFakePlugin(cache.sandbox, "secret-file");
      const elsewhere = join(cache.sandbox.dir, "elsewhere", "cache.json");
      const file = where === "the default path" ? cache.sandbox.cacheFile : elsewhere;
      const env = where === "the default path" ? {} : { KUBE_CREDENTIAL_CACHE_FILE: elsewhere };
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, SECRET_IN_BROKEN_FILE, { mode: 0o600 });
      const result = await cache.call(
        argv.map((arg) => (arg === "PLUGIN" ? plugin.path : arg)),
        { env },
      );
      assertSecretNotEchoed(result, `${what} at ${file}`);
    });
  }
}

/** Corrupt entries as raw JSON, given the entry as kcc-cache wrote it; 1e400 reads as Infinity. */
const corruptEntries: [string, (entry: string) => string][] = [
  ["wrong types", () => '{"credential":42,"expiresAtMs":"never"}'],
  ["an expiry of 1e300", (entry) => entry.replace(/"expiresAtMs":[^,}]+/, '"expiresAtMs":1e300')],
  ["an expiry of -1e300", (entry) => entry.replace(/"expiresAtMs":[^,}]+/, '"expiresAtMs":-1e300')],
  ["an expiry of 1e400", (entry) => entry.replace(/"expiresAtMs":[^,}]+/, '"expiresAtMs":1e400')],
  ['an expiry of "NaN"', (entry) => entry.replace(/"expiresAtMs":[^,}]+/, '"expiresAtMs":"NaN"')],
  ["a store time of 1e300", (entry) => entry.replace(/"storedAtMs":[^,}]+/, '"storedAtMs":1e300')],
];

for (const [what, corrupt] of corruptEntries) {
  test(`a cache file with one corrupt entry (${what}) keeps the other entries, and --list works`, async (t) => {
    const cache = useInProcessCache(t);
    const plugin = writeFakePlugin(cache.sandbox, "entries");
    await assertCorruptEntryIsolated(cache, plugin, corrupt);
  });
}
