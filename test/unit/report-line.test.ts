import assert from "node:assert/strict";
import { test } from "node:test";
import {
  debugLine,
  messageLine,
  unexpectedErrorLine,
  usageErrorLine,
  warningLine,
} from "../../src/core/report-line.js";

test("every stderr line has one shape per kind", () => {
  const cases: [string, string][] = [
    [messageLine("kcc-cache", "not cached: k"), "kcc-cache: not cached: k\n"],
    [
      messageLine("kcc-injector", "cannot read /k: no such file (ENOENT)"),
      "kcc-injector: cannot read /k: no such file (ENOENT)\n",
    ],
    [
      warningLine("kcc-cache", "credential not cached: no space left on device (ENOSPC)"),
      "kcc-cache: warning: credential not cached: no space left on device (ENOSPC)\n",
    ],
    [
      debugLine("kcc-cache", 1.25, "store: file /c (default)"),
      "kcc-cache: debug: +1.3ms store: file /c (default)\n",
    ],
    [debugLine("kcc-cache", 0, "key: k"), "kcc-cache: debug: +0.0ms key: k\n"],
    [
      usageErrorLine("kcc-cache", 'unknown option "-x"'),
      'kcc-cache: unknown option "-x" (see kcc-cache --help)\n',
    ],
    [
      usageErrorLine("kcc-injector", 'unknown option "-x"'),
      'kcc-injector: unknown option "-x" (see kcc-injector --help)\n',
    ],
    [
      unexpectedErrorLine("kcc-cache", "TypeError: x\n  at y"),
      "kcc-cache: unexpected error: TypeError: x (please report it; KUBE_CREDENTIAL_CACHE_DEBUG=1 shows more)\n",
    ],
  ];
  for (const [line, expected] of cases) assert.equal(line, expected);
});
