import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { readCacheJson } from "../e2e/support/kcc-cache.js";
import { useInProcessCache, type InProcessResult } from "./support/in-process-cache.js";

/**
 * A damaged cache file, case by case, run in-process: kcc-cache still serves, says so in one line,
 * rebuilds what is its own, and never echoes what the file holds. The end-to-end store tests keep one
 * case of each table against the installed command.
 */
const stderrLines = (result: InProcessResult): string[] => result.stderr.split("\n").filter(Boolean);

function assertOk(result: InProcessResult, what = "kcc-cache"): void {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`);
}

for (const [name, damage] of [
  ["truncated", (text: string) => text.slice(0, Math.floor(text.length / 2))],
  ["garbage", () => "\u0000\u0000garbage{{{"],
  ["a JSON array", () => "[1,2,3]\n"],
] as const) {
  test(`a ${name} cache file: one stderr line about it, the credential still served, the file rebuilt`, async (t) => {
    const cache = useInProcessCache(t);
    const { sandbox } = cache;
    const plugin = writeFakePlugin(sandbox, "broken-file");
    assertOk(await cache.call([plugin.path]));
    writeFileSync(sandbox.cacheFile, damage(readFileSync(sandbox.cacheFile, "utf8")));

    const served = await cache.call([plugin.path]);
    assertOk(served);
    assert.equal(served.stdout, plugin.output(plugin.runs()), "a valid credential from the plugin");
    const lines = stderrLines(served);
    assert.equal(lines.length, 1, served.stderr);
    assert.match(lines[0] ?? "", /cache file/);
    assert.ok(lines[0]?.includes(sandbox.cacheFile), "the line names the file");

    const runs = plugin.runs();
    const after = await cache.call([plugin.path]);
    assertOk(after);
    assert.equal(after.stderr, "", "rebuilt: no more warnings");
    assert.equal(plugin.runs(), runs, "and a hit again");
    assert.doesNotThrow(() => readCacheJson(sandbox), "the file is valid JSON again");
  });
}

const SECRET = "s3cr3t-line-one-Qx7\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSj\n";

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
      writeFileSync(file, SECRET, { mode: 0o600 });
      const result = await cache.call(
        argv.map((arg) => (arg === "PLUGIN" ? plugin.path : arg)),
        { env },
      );
      const output = result.stdout + result.stderr;
      for (const part of ["s3cr3t", "Qx7", "BEGIN", "MIIE"]) {
        assert.ok(!output.includes(part), `${what} at ${file} echoed ${part}: ${result.stderr}`);
      }
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
    const { sandbox } = cache;
    const plugin = writeFakePlugin(sandbox, "entries");
    assertOk(await cache.call([plugin.path, "key-a"]));
    assertOk(await cache.call([plugin.path, "key-b"]));
    const document = readCacheJson(sandbox) as { entries: Record<string, unknown> };
    const keys = Object.keys(document.entries);
    assert.equal(keys.length, 2);
    const keyA = keys.find((key) => key.includes("key-a"));
    assert.ok(keyA !== undefined);
    const entryA = JSON.stringify(document.entries[keyA]);
    document.entries[keyA] = "CORRUPT";
    writeFileSync(sandbox.cacheFile, JSON.stringify(document).replace('"CORRUPT"', corrupt(entryA)));

    const listed = await cache.call(["--list", "--json"]);
    assertOk(listed, "--list --json");
    const rows = JSON.parse(listed.stdout) as { key: string }[];
    assert.ok(
      rows.some((row) => row.key.includes("key-b")),
      "the sound entry is listed",
    );

    const b = await cache.call([plugin.path, "key-b"]);
    assert.equal(b.stdout, plugin.output(2), "key-b still served from the cache");
    assert.equal(plugin.runs(), 2);
    const a = await cache.call([plugin.path, "key-a"]);
    assertOk(a);
    assert.equal(plugin.runs(), 3, "the corrupt entry is a miss");
    assert.equal(a.stdout, plugin.output(3));
    assert.equal(
      (await cache.call([plugin.path, "key-b"])).stdout,
      plugin.output(2),
      "b survived the rewrite",
    );
    assert.equal((await cache.call([plugin.path, "key-a"])).stdout, plugin.output(3));
    assert.equal(plugin.runs(), 3);
  });
}
