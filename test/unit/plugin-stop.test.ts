import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_PLUGIN_STDOUT_BYTES,
  STOP_GRACE_MS,
  describePluginStop,
  planPluginStop,
  type PluginStop,
  type StopPlan,
} from "../../src/core/credential/plugin-stop.js";

const planCases: [NodeJS.Platform, boolean, StopPlan][] = [
  ["linux", true, { target: "group", first: "SIGTERM", killAfterMs: STOP_GRACE_MS }],
  ["linux", false, { target: "process", first: "SIGTERM", killAfterMs: STOP_GRACE_MS }],
  ["darwin", true, { target: "group", first: "SIGTERM", killAfterMs: STOP_GRACE_MS }],
  ["darwin", false, { target: "process", first: "SIGTERM", killAfterMs: STOP_GRACE_MS }],
  // TerminateProcess whatever the signal, and no process groups: final at once, the plugin alone.
  ["win32", true, { target: "process", first: "SIGKILL", killAfterMs: undefined }],
  ["win32", false, { target: "process", first: "SIGKILL", killAfterMs: undefined }],
];

for (const [platform, ownGroup, plan] of planCases) {
  test(`planPluginStop(${platform}, own group: ${ownGroup}) → ${plan.first} to the ${plan.target}, SIGKILL after ${plan.killAfterMs ?? "never"}`, () => {
    assert.deepEqual(planPluginStop(platform, ownGroup), plan);
  });
}

const time = { kind: "time", limitMs: 1_000 } as const;
const output = { kind: "output", limitBytes: MAX_PLUGIN_STDOUT_BYTES } as const;

const describeCases: [PluginStop, string][] = [
  [
    { cause: time, target: "group", signal: "SIGTERM", graceMs: undefined },
    "ran longer than 1s; its process group was terminated (SIGTERM)",
  ],
  [
    { cause: time, target: "group", signal: "SIGKILL", graceMs: 3_000 },
    "ran longer than 1s; its process group did not end within 3s of SIGTERM and was killed (SIGKILL)",
  ],
  [
    { cause: { kind: "time", limitMs: 60_000 }, target: "process", signal: "SIGKILL", graceMs: undefined },
    "ran longer than 1m0s; it was killed",
  ],
  [
    { cause: output, target: "process", signal: "SIGTERM", graceMs: undefined },
    "printed more than 64 MiB on stdout, more than any credential; it was terminated (SIGTERM)",
  ],
  [
    { cause: output, target: "process", signal: "SIGKILL", graceMs: 3_000 },
    "printed more than 64 MiB on stdout, more than any credential; it did not end within 3s of SIGTERM and was killed (SIGKILL)",
  ],
  [
    { cause: output, target: "group", signal: "SIGTERM", graceMs: undefined },
    "printed more than 64 MiB on stdout, more than any credential; its process group was terminated (SIGTERM)",
  ],
  // Sizes: whole MiB, whole KiB, else bytes (the boundaries on both sides).
  [
    {
      cause: { kind: "output", limitBytes: 1024 * 1024 - 1 },
      target: "process",
      signal: "SIGTERM",
      graceMs: undefined,
    },
    "printed more than 1048575 bytes on stdout, more than any credential; it was terminated (SIGTERM)",
  ],
  [
    {
      cause: { kind: "output", limitBytes: 1024 * 1024 + 1024 },
      target: "process",
      signal: "SIGTERM",
      graceMs: undefined,
    },
    "printed more than 1025 KiB on stdout, more than any credential; it was terminated (SIGTERM)",
  ],
  [
    { cause: { kind: "output", limitBytes: 1024 }, target: "process", signal: "SIGTERM", graceMs: undefined },
    "printed more than 1 KiB on stdout, more than any credential; it was terminated (SIGTERM)",
  ],
  [
    { cause: { kind: "output", limitBytes: 1023 }, target: "process", signal: "SIGTERM", graceMs: undefined },
    "printed more than 1023 bytes on stdout, more than any credential; it was terminated (SIGTERM)",
  ],
];

for (const [stop, words] of describeCases) {
  test(`describePluginStop: ${words}`, () => {
    assert.equal(describePluginStop(stop), words);
  });
}

test("the stdout limit is far above a real credential (a 10 MB token passes) and below what exhausts memory", () => {
  assert.ok(MAX_PLUGIN_STDOUT_BYTES > 10 * 1024 * 1024);
  assert.ok(MAX_PLUGIN_STDOUT_BYTES <= 256 * 1024 * 1024);
});
