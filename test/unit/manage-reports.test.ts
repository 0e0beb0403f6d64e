import assert from "node:assert/strict";
import { test } from "node:test";
import type { CacheEntry } from "../../src/core/cache/cache-entry.js";
import type { CacheFileState } from "../../src/core/manage/cache-file-state.js";
import {
  clearExitCode,
  clearSummary,
  planFileClear,
  type ClearSelection,
  type FileClearPlan,
} from "../../src/core/manage/clear-report.js";
import { expiresIn, renderList, type ListRow } from "../../src/core/manage/list-report.js";
import { cachesNow, renderStatus, type StatusFacts } from "../../src/core/manage/status-report.js";
import type { StoreDecision } from "../../src/core/store/backend-choice.js";

const NOW = Date.UTC(2030, 0, 1);
const entry = (leftMs: number, kind: CacheEntry["kind"] = "token"): CacheEntry => ({
  credential: '{"status":{"token":"secret-token"}}',
  expiresAtMs: NOW + leftMs,
  expirySource: "plugin",
  kind,
  storedAtMs: NOW - 1000,
});
const file = (
  state: CacheFileState["state"],
  keys: string[] = [],
  leftovers = 0,
  why?: string,
): CacheFileState => ({
  path: "/c/cache.json",
  state,
  why,
  keys,
  leftovers,
});
const FILE: StoreDecision = { kind: "file", why: "KUBE_CREDENTIAL_CACHE_BACKEND=file" };
const NONE: StoreDecision = { kind: "uncached", why: "no secret store is usable", warn: false };

test("expiresIn: whole seconds left, expired, or unreadable", () => {
  const cases: [CacheEntry | undefined, string][] = [
    [entry(3_600_000), "1h0m0s"],
    [entry(61_999), "1m1s"],
    [entry(999), "0ms"],
    [entry(0), "expired"],
    [entry(-5), "expired"],
    [undefined, "?"],
  ];
  for (const [row, text] of cases) assert.equal(expiresIn(row, NOW), text, text);
});

test("renderList: a padded table, an empty note, or JSON; never the credential", () => {
  const rows: ListRow[] = [
    { key: 'exec=["a"]', store: "file", entry: entry(90_000) },
    { key: 'exec=["long-key"]', store: "keyring", entry: entry(-1, "certificate") },
    { key: 'exec=["gone"]', store: "keyring", entry: undefined },
  ];
  const cases: [string, readonly ListRow[], boolean, string][] = [
    ["empty", [], false, "no cached credentials\n"],
    ["empty JSON", [], true, "[]\n"],
    [
      "table",
      rows,
      false,
      [
        "STORE    EXPIRES IN  TYPE         KEY",
        'file     1m30s       token        exec=["a"]',
        'keyring  expired     certificate  exec=["long-key"]',
        'keyring  ?           unreadable   exec=["gone"]',
        "",
      ].join("\n"),
    ],
    [
      "JSON",
      rows.slice(0, 1),
      true,
      `${JSON.stringify([{ key: 'exec=["a"]', store: "file", type: "token", expiresAt: "2030-01-01T00:01:30.000Z", expiresInSeconds: 90 }], null, 2)}\n`,
    ],
  ];
  for (const [what, given, json, text] of cases) {
    const rendered = renderList(given, NOW, json);
    assert.equal(rendered, text, what);
    assert.ok(!rendered.includes("secret-token"), what);
  }
});

const named =
  (...keys: string[]) =>
  (key: string): boolean =>
    keys.includes(key);

const FILE_CLEARS: [string, CacheFileState, ClearSelection, FileClearPlan][] = [
  [
    "untrusted: left alone",
    file("untrusted", [], 0, "cache file /c is owned by another user (uid 65534)"),
    "all",
    { kind: "leave", why: "cache file /c is owned by another user (uid 65534)" },
  ],
  [
    "off: left alone",
    file("off", [], 0, "the null device"),
    named("k"),
    { kind: "leave", why: "the null device" },
  ],
  ["missing: nothing to do", file("missing"), "all", { kind: "keep" }],
  [
    "missing with a leftover copy: swept",
    file("missing", [], 1),
    "all",
    { kind: "rewrite", remove: [], empty: true },
  ],
  ["all keys", file("ok", ["a", "b"]), "all", { kind: "rewrite", remove: ["a", "b"], empty: true }],
  [
    "named keys only",
    file("ok", ["a", "b"]),
    named("b", "z"),
    { kind: "rewrite", remove: ["b"], empty: false },
  ],
  ["a named key it lacks", file("ok", ["a"]), named("z"), { kind: "keep" }],
  ["a named key it lacks, with leftovers: not swept", file("ok", ["a"], 2), named("z"), { kind: "keep" }],
  [
    "broken: rewritten empty",
    file("broken", [], 0, "broken"),
    "all",
    { kind: "rewrite", remove: [], empty: true },
  ],
  ["broken, a key named: kept", file("broken", [], 0, "broken"), named("a"), { kind: "keep" }],
  ["a filter selecting nothing: kept, not swept", file("broken", ["a"], 1), () => false, { kind: "keep" }],
];
for (const [what, given, selection, plan] of FILE_CLEARS)
  test(`planFileClear: ${what}`, () => {
    assert.deepEqual(planFileClear(given, selection), plan);
  });

const CLEAR_EXITS: [string, StoreDecision, CacheFileState, "all" | "keys" | "filter", number, number][] = [
  ["file store, everything", FILE, file("ok"), "all", 0, 0],
  ["no store, everything", NONE, file("ok"), "all", 0, 1],
  ["no store, keys named and found", NONE, file("ok"), "keys", 0, 0],
  ["no store, a filter", NONE, file("ok"), "filter", 0, 1],
  ["caching off, everything", NONE, file("off"), "all", 0, 0],
  ["untrusted place, everything", NONE, file("untrusted"), "all", 0, 1],
  ["a named key not cached", FILE, file("ok"), "keys", 1, 1],
  ["a filter that selected nothing", FILE, file("ok"), "filter", 1, 1],
  ["caching off, a named key", NONE, file("off"), "keys", 1, 1],
];
for (const [what, decision, given, target, missed, code] of CLEAR_EXITS)
  test(`clearExitCode: ${what} → ${code}`, () => {
    assert.equal(clearExitCode(decision, given, target, missed), code);
  });

const CACHES_NOW: [string, StoreDecision, CacheFileState, boolean][] = [
  ["file store, file ok", FILE, file("ok"), true],
  ["file store, file missing", FILE, file("missing"), true],
  ["file store, file broken: rebuilt on the next write", FILE, file("broken"), true],
  ["file store, file in a newer format", FILE, file("newer"), false],
  ["file store, file untrusted", FILE, file("untrusted"), false],
  [
    "keyring, file newer: the file is not used",
    { kind: "keyring", why: "Secret Service" },
    file("newer"),
    true,
  ],
  ["no store", NONE, file("ok"), false],
  ["caching off", NONE, file("off"), false],
];
for (const [what, decision, given, caches] of CACHES_NOW)
  test(`cachesNow: ${what} → ${caches}`, () => {
    assert.equal(cachesNow(decision, given), caches);
  });

test("clearSummary: counts in words", () => {
  const cases: [number, string][] = [
    [0, "0 entries removed\n"],
    [1, "1 entry removed\n"],
    [2, "2 entries removed\n"],
  ];
  for (const [count, text] of cases) assert.equal(clearSummary(count), text);
});

const facts = (over: Partial<StatusFacts> = {}): StatusFacts => ({
  version: "1.2.3",
  backend: "file",
  backendSetting: "file",
  decision: FILE,
  file: file("ok", ["a"]),
  keyring: undefined,
  usedSecretStoreBefore: false,
  keyringIndex: "/c/keyring-index.json",
  background: [],
  ...over,
});

test("renderStatus: one line per fact", () => {
  const line = (over: Partial<StatusFacts>, at: number): string =>
    renderStatus(facts(over), false).split("\n")[at] ?? "";
  const cases: [string, string, string][] = [
    ["version", line({}, 0), "kcc-cache 1.2.3"],
    ["backend set", line({}, 1), "backend:  file (KUBE_CREDENTIAL_CACHE_BACKEND=file)"],
    [
      "backend default",
      line({ backend: "auto", backendSetting: undefined }, 1),
      "backend:  auto (KUBE_CREDENTIAL_CACHE_BACKEND unset)",
    ],
    [
      "backend empty",
      line({ backend: "auto", backendSetting: "" }, 1),
      "backend:  auto (KUBE_CREDENTIAL_CACHE_BACKEND unset)",
    ],
    ["store", line({}, 2), "store:    file — KUBE_CREDENTIAL_CACHE_BACKEND=file"],
    [
      "no store",
      line({ decision: NONE }, 2),
      "store:    none (credentials are not cached) — no secret store is usable",
    ],
    ["caching", line({}, 3), "caching:  yes"],
    [
      "not caching",
      line({ decision: NONE }, 3),
      "caching:  no: a credential call now runs the plugin and keeps nothing",
    ],
    ["file ok", line({}, 4), "file:     /c/cache.json (ok, 1 entry)"],
    ["file missing", line({ file: file("missing") }, 4), "file:     /c/cache.json (missing, 0 entries)"],
    [
      "file untrusted",
      line({ file: file("untrusted", [], 0, "is owned by another user (uid 65534)") }, 4),
      "file:     /c/cache.json (untrusted: is owned by another user (uid 65534), 0 entries)",
    ],
    [
      "leftover",
      line({ file: file("ok", ["a", "b"], 1) }, 4),
      "file:     /c/cache.json (ok, 2 entries, 1 leftover temporary copy holding credentials: removed by the next write or --clear)",
    ],
    [
      "leftovers",
      line({ file: file("ok", [], 2) }, 4),
      "file:     /c/cache.json (ok, 0 entries, 2 leftover temporary copies holding credentials: removed by the next write or --clear)",
    ],
    ["no keyring", line({}, 5), "keyring:  not in use"],
    [
      "keyring",
      line({ keyring: { location: "Secret Service, service kube-credential-cache", entries: 1 } }, 5),
      "keyring:  Secret Service, service kube-credential-cache (1 entry)",
    ],
    [
      "history",
      line({ usedSecretStoreBefore: true }, 6),
      "history:  this cache has kept credentials in a secret store (/c/keyring-index.json exists): when none is usable, auto mode serves uncached instead of using the file; kcc-cache --clear --forget-secret-store forgets it",
    ],
    ["no history", line({}, 6), "history:  this cache has never kept credentials in a secret store"],
    ["no background", line({}, 7), "background refresh: none logged"],
    [
      "background",
      line(
        {
          background: [
            {
              at: "2030-01-01T00:00:00.000Z",
              key: "k",
              result: "failed",
              why: "the plugin exited 1 after 2ms",
              ms: 2,
            },
          ],
        },
        8,
      ),
      "  2030-01-01T00:00:00.000Z  failed: the plugin exited 1 after 2ms  k",
    ],
  ];
  for (const [what, actual, expected] of cases) assert.equal(actual, expected, what);
});

test("renderStatus --json: the same facts as data", () => {
  const report = JSON.parse(
    renderStatus(
      facts({
        backendSetting: undefined,
        file: file("broken", [], 1, "not JSON"),
        keyring: { location: "L", entries: 0 },
      }),
      true,
    ),
  ) as Record<string, unknown>;
  assert.deepEqual(report, {
    version: "1.2.3",
    backend: "file",
    backendSource: "default",
    store: "file",
    why: "KUBE_CREDENTIAL_CACHE_BACKEND=file",
    cached: true,
    file: { path: "/c/cache.json", state: "broken", entries: 0, leftoverTempFiles: 1, problem: "not JSON" },
    keyring: { location: "L", entries: 0 },
    secretStoreUsedBefore: false,
    keyringIndex: "/c/keyring-index.json",
    backgroundRefresh: [],
  });
});
