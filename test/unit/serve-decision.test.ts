import assert from "node:assert/strict";
import { test } from "node:test";
import { servedLine, type CallerIdentity } from "../../src/core/cache/caller-identity.js";
import {
  decideServe,
  describeServeDecision,
  tracksCaller,
  type CallerFacts,
  type ServeDecision,
  type ServePolicy,
} from "../../src/core/cache/serve-decision.js";

const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const now = Date.UTC(2026, 10, 28, 12);
const margin = 30 * S;
const window = 5 * MIN;
const on: ServePolicy = { refreshMarginMs: margin, backgroundRefreshMs: window, selfHeal: true };
const noWindow: ServePolicy = { ...on, backgroundRefreshMs: 0 };
const noHeal: ServePolicy = { ...on, selfHeal: false };
const noMargin: ServePolicy = { ...on, refreshMarginMs: 0 };
const bigWindow: ServePolicy = { ...on, backgroundRefreshMs: HOUR };

const STORED = now - 10 * MIN;
const kubectl: CallerIdentity = { pid: 4242, start: "123456", exe: "/opt/kubectl/bin/kubectl" };
const log = (...lines: [CallerIdentity, number][]): string =>
  lines.map(([caller, storedAtMs]) => servedLine(caller, storedAtMs)).join("");
const facts = (servedLog: string | undefined): CallerFacts => ({ current: kubectl, servedLog });
const pid = (n: number): CallerIdentity => ({ ...kubectl, pid: n });
const again = facts(log([kubectl, STORED]));
const againAmongMany = facts(log([pid(1), STORED], [kubectl, STORED], [pid(2), STORED], [pid(3), STORED]));
const givenOlderEntry = facts(log([kubectl, STORED - MIN], [pid(1), STORED]));
const other = facts(log([pid(4243), STORED]));
const reusedPid = facts(log([{ ...kubectl, start: "99" }, STORED]));
const dispatcher = facts(log([{ ...kubectl, exe: "/usr/bin/kubectl" }, STORED]));
const tornLine = facts(`{"pid":1,"sta${log([kubectl, STORED])}`);
const firstCall = facts(undefined);
const unknownCaller: CallerFacts = { current: undefined, servedLog: log([kubectl, STORED]) };

// An entry expiring `left` ms from now is served for `left - margin` more.
type Entry = { expiresAtMs: number; storedAtMs: number };
const at = (left: number): Entry => ({ expiresAtMs: now + left, storedAtMs: STORED });
const hit = (servedForMs: number, refreshInMs?: number): ServeDecision =>
  refreshInMs === undefined ? { kind: "hit", servedForMs } : { kind: "hit", servedForMs, refreshInMs };
const refresh = (servedForMs: number): ServeDecision => ({ kind: "hit-and-refresh", servedForMs });
const rejected = (servedForMs: number): ServeDecision => ({
  kind: "rejected",
  pid: kubectl.pid,
  servedForMs,
});
const miss = (reason: "no-entry" | "within-margin" | "expired"): ServeDecision => ({ kind: "miss", reason });
const farHit = hit(HOUR - margin, HOUR - margin - window);

test("decideServe: every outcome, and both sides of every boundary", () => {
  type Row = [string, Entry | undefined, ServePolicy, CallerFacts | undefined, ServeDecision];
  const cases: Row[] = [
    ["no entry", undefined, on, undefined, miss("no-entry")],
    ["no entry, same caller", undefined, on, again, miss("no-entry")],
    ["expired long ago", at(-MIN), on, undefined, miss("expired")],
    ["expires exactly now", at(0), on, undefined, miss("expired")],
    ["1 ms before expiry: in the margin", at(1), on, undefined, miss("within-margin")],
    ["exactly at the margin", at(margin), on, undefined, miss("within-margin")],
    ["exactly at the margin, same caller", at(margin), on, again, miss("within-margin")],
    ["1 ms before the margin", at(margin + 1), on, undefined, refresh(1)],
    ["1 ms before the margin, window off", at(margin + 1), noWindow, firstCall, hit(1)],
    ["1 ms before expiry, margin 0", at(1), noMargin, undefined, refresh(1)],
    ["inside the window", at(margin + 2 * MIN), on, undefined, refresh(2 * MIN)],
    ["1 ms into the window", at(margin + window - 1), on, undefined, refresh(window - 1)],
    ["exactly at the window's start", at(margin + window), on, undefined, refresh(window)],
    ["1 ms before the window", at(margin + window + 1), on, undefined, hit(window + 1, 1)],
    ["EKS token just printed (14 min)", at(14 * MIN), on, undefined, hit(13.5 * MIN, 8.5 * MIN)],
    ["window 0 is off, far from expiry", at(HOUR), noWindow, undefined, hit(HOUR - margin)],
    ["window longer than the lifetime", at(10 * MIN), bigWindow, undefined, refresh(10 * MIN - margin)],
    // A 40 s credential with the 30 s margin is servable for 10 s: the window shrinks to half of that.
    [
      "40 s credential just stored",
      { expiresAtMs: now + 40 * S, storedAtMs: now },
      on,
      undefined,
      hit(10 * S, 5 * S),
    ],
    [
      "40 s credential, 1 ms before half its life",
      { expiresAtMs: now + 35 * S + 1, storedAtMs: now - 5 * S + 1 },
      on,
      undefined,
      hit(5 * S + 1, 1),
    ],
    [
      "40 s credential, at half its life",
      { expiresAtMs: now + 35 * S, storedAtMs: now - 5 * S },
      on,
      undefined,
      refresh(5 * S),
    ],
    [
      "40 s credential, half its life, window off",
      { expiresAtMs: now + 35 * S, storedAtMs: now - 5 * S },
      noWindow,
      undefined,
      hit(5 * S),
    ],
    ["first call of a process", at(HOUR), on, firstCall, farHit],
    ["same process again: rejected", at(HOUR), on, again, rejected(HOUR - margin)],
    ["same process again, in the window", at(margin + MIN), on, again, rejected(MIN)],
    ["same process again, 1 ms before the margin", at(margin + 1), on, again, rejected(1)],
    ["same process again, self-heal off", at(HOUR), noHeal, again, farHit],
    ["same process again, self-heal off, in the window", at(margin + MIN), noHeal, again, refresh(MIN)],
    ["same process again, among parallel callers", at(HOUR), on, againAmongMany, rejected(HOUR - margin)],
    ["same process, given an older entry", at(HOUR), on, givenOlderEntry, farHit],
    ["same process, its line torn", at(HOUR), on, tornLine, farHit],
    ["another process", at(HOUR), on, other, farHit],
    ["a reused PID (another start time)", at(HOUR), on, reusedPid, farHit],
    ["gcloud's dispatcher exec'ing kubectl", at(HOUR), on, dispatcher, farHit],
    ["caller unknown (no /proc)", at(HOUR), on, unknownCaller, farHit],
    ["caller not tracked", at(HOUR), on, undefined, farHit],
  ];
  for (const [what, entry, policy, caller, expected] of cases) {
    assert.deepEqual(decideServe(entry, now, policy, caller, { failedAtMs: undefined }), expected, what);
  }
});

test("tracksCaller: only client-go callers, and only with self-healing on", () => {
  const cases: [boolean, boolean, boolean][] = [
    [true, true, true],
    [true, false, false],
    [false, true, false],
    [false, false, false],
  ];
  for (const [selfHeal, fromClientGo, tracked] of cases) {
    assert.equal(
      tracksCaller({ selfHeal }, fromClientGo),
      tracked,
      `selfHeal ${selfHeal}, client-go ${fromClientGo}`,
    );
  }
});

test("describeServeDecision: one line per outcome that says why", () => {
  const cases: [ServeDecision, RegExp][] = [
    [hit(90 * S, 60 * S), /^hit: served for 1m30s more; background refresh due in 1m0s$/],
    [hit(90 * S), /^hit: served for 1m30s more \(background refresh off\)$/],
    [
      { kind: "hit-and-refresh", servedForMs: 60 * S },
      /^hit-and-refresh: .*5m0s background-refresh window: background refresh due$/,
    ],
    [{ kind: "rejected", pid: 7, servedForMs: 1 }, /^rejected: the same process \(pid 7\) asked again/],
    [{ kind: "miss", reason: "no-entry" }, /^miss: no entry$/],
    [{ kind: "miss", reason: "expired" }, /^miss: the entry has expired$/],
    [{ kind: "miss", reason: "within-margin" }, /^miss: the entry expires within the 30s refresh margin$/],
  ];
  for (const [decision, line] of cases) assert.match(describeServeDecision(decision, on), line);
});

/** Inside the window, the last background refresh's failure decides whether another starts now. */
const pauseRows: [string, number | undefined, ServeDecision][] = [
  ["no failure", undefined, { kind: "hit-and-refresh", servedForMs: 60 * S }],
  ["failed a second ago", now - S, { kind: "hit", servedForMs: 60 * S, retryInMs: 59 * S }],
  ["failed 59 s ago", now - 59 * S, { kind: "hit", servedForMs: 60 * S, retryInMs: S }],
  ["failed a minute ago", now - MIN, { kind: "hit-and-refresh", servedForMs: 60 * S }],
  [
    "a failure dated in the future (clock set back)",
    now + MIN,
    { kind: "hit-and-refresh", servedForMs: 60 * S },
  ],
];
for (const [what, failedAtMs, expected] of pauseRows) {
  test(`decideServe inside the window, ${what}: ${expected.kind}`, () => {
    const entry = { expiresAtMs: now + margin + 60 * S, storedAtMs: STORED };
    assert.deepEqual(decideServe(entry, now, on, undefined), { kind: "check-background" }, "asks first");
    assert.deepEqual(decideServe(entry, now, on, undefined, { failedAtMs }), expected);
  });
}
