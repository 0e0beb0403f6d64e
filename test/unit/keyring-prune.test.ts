import assert from "node:assert/strict";
import { test } from "node:test";
import { planPrune, type IndexedEntry } from "../../src/core/store/keyring-prune.js";

const index = (entries: [string, number | undefined][]): Map<string, IndexedEntry> =>
  new Map(
    entries.map(([key, expiresAtMs]) => [
      key,
      expiresAtMs === undefined ? { parts: 0 } : { parts: 0, expiresAtMs },
    ]),
  );

test("a write plans to remove expired keys (longest expired first) and to read keys of unknown expiry, within its limit", () => {
  const rows: [string, Map<string, IndexedEntry>, number, { remove: string[]; inspect: string[] }][] = [
    ["nothing to do", index([["a", 200]]), 3, { remove: [], inspect: [] }],
    ["expired exactly now", index([["a", 100]]), 3, { remove: ["a"], inspect: [] }],
    ["1 ms before expiry", index([["a", 101]]), 3, { remove: [], inspect: [] }],
    ["the written key never", index([["w", 1]]), 3, { remove: [], inspect: [] }],
    [
      "oldest first",
      index([
        ["b", 50],
        ["a", 60],
        ["c", 10],
      ]),
      3,
      { remove: ["c", "b", "a"], inspect: [] },
    ],
    [
      "limit",
      index([
        ["b", 50],
        ["a", 60],
        ["c", 10],
        ["d", 5],
      ]),
      3,
      { remove: ["d", "c", "b"], inspect: [] },
    ],
    [
      "unknown expiry read",
      index([
        ["u", undefined],
        ["a", 10],
      ]),
      3,
      { remove: ["a"], inspect: ["u"] },
    ],
    [
      "unknown after expired, within the limit",
      index([
        ["u", undefined],
        ["v", undefined],
        ["a", 1],
        ["b", 2],
      ]),
      3,
      { remove: ["a", "b"], inspect: ["u"] },
    ],
    ["limit 0", index([["a", 1]]), 0, { remove: [], inspect: [] }],
  ];
  for (const [what, entries, limit, expected] of rows) {
    assert.deepEqual(planPrune(entries, "w", 100, limit), expected, what);
  }
});
