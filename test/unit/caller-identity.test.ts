import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCallerIdentity, type CallerIdentity } from "../../src/core/caller-identity.js";

const kubectl: CallerIdentity = { pid: 4242, start: "123456", exe: "/opt/kubectl/bin/kubectl" };

test("a marker that is not what kcc-cache wrote is ignored", () => {
  assert.deepEqual(parseCallerIdentity(JSON.stringify(kubectl)), kubectl);
  for (const text of [undefined, "", "{", "[]", '{"pid":"1","start":"2","exe":"x"}', '{"pid":1}']) {
    assert.equal(parseCallerIdentity(text), undefined, String(text));
  }
});
