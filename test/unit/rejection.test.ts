import assert from "node:assert/strict";
import { test } from "node:test";
import { isSameCaller, parseCallerIdentity, type CallerIdentity } from "../../src/core/rejection.js";

const kubectl: CallerIdentity = {
  pid: 4242,
  start: "123456",
  exe: "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
};

test("only the very same process asking again counts as client-go's retry after a 401", () => {
  const cases: [string, CallerIdentity | undefined, CallerIdentity | undefined, boolean][] = [
    ["same process", kubectl, { ...kubectl }, true],
    ["nobody served before", undefined, kubectl, false],
    ["caller unknown (not Linux, or no exec info)", kubectl, undefined, false],
    ["another process", kubectl, { ...kubectl, pid: 4243 }, false],
    ["a reused PID", kubectl, { ...kubectl, start: "999999" }, false],
    [
      "gcloud's dispatcher exec'ing the real kubectl",
      { ...kubectl, exe: "/usr/bin/kubectl" },
      kubectl,
      false,
    ],
  ];
  for (const [what, previous, current, same] of cases)
    assert.equal(isSameCaller(previous, current), same, what);
});

test("a marker that is not what kcc-cache wrote is ignored", () => {
  assert.deepEqual(parseCallerIdentity(JSON.stringify(kubectl)), kubectl);
  for (const text of [undefined, "", "{", "[]", '{"pid":"1","start":"2","exe":"x"}', '{"pid":1}']) {
    assert.equal(parseCallerIdentity(text), undefined, String(text));
  }
});
