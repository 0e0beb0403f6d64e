import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decideAfterProbe,
  locateSessionBus,
  planStore,
  type BusLocation,
  type ProbeState,
} from "../../src/core/backend-choice.js";
import type { BackendChoice } from "../../src/core/config.js";

test("locateSessionBus finds the socket libdbus would use", () => {
  const cases: [string | undefined, string | undefined, boolean, BusLocation][] = [
    [undefined, undefined, false, { kind: "none" }],
    ["", "/run/user/1000", false, { kind: "none" }],
    [undefined, "/run/user/1000", true, { kind: "socket", path: "/run/user/1000/bus" }],
    ["unix:path=/run/user/1000/bus", undefined, false, { kind: "socket", path: "/run/user/1000/bus" }],
    ["unix:path=/tmp/dbus-x,guid=abc", undefined, false, { kind: "socket", path: "/tmp/dbus-x" }],
    ["unix:abstract=/tmp/dbus-y,guid=abc", undefined, false, { kind: "socket", path: "\0/tmp/dbus-y" }],
    ["unix:path=/tmp/with%20space", undefined, false, { kind: "socket", path: "/tmp/with space" }],
    ["tcp:host=localhost,port=1;unix:path=/b", undefined, false, { kind: "socket", path: "/b" }],
    [
      "tcp:host=localhost,port=1",
      undefined,
      false,
      { kind: "unsupported", address: "tcp:host=localhost,port=1" },
    ],
  ];
  for (const [address, runtimeDir, runtimeBusIsSocket, expected] of cases) {
    assert.deepEqual(
      locateSessionBus({ address, runtimeDir, runtimeBusIsSocket }),
      expected,
      String(address),
    );
  }
});

test("planStore: the cheap first decision", () => {
  const socket: BusLocation = { kind: "socket", path: "/b" };
  const none: BusLocation = { kind: "none" };
  const cases: [BackendChoice, NodeJS.Platform, BusLocation, string][] = [
    ["file", "linux", socket, "file"],
    ["auto", "darwin", none, "keyring"],
    ["auto", "win32", none, "keyring"],
    ["auto", "linux", none, "file"],
    ["keyring", "linux", none, "uncached"],
    ["auto", "linux", socket, "probe"],
    ["keyring", "freebsd", socket, "probe"],
    ["auto", "linux", { kind: "unsupported", address: "tcp:host=x" }, "keyring"],
  ];
  for (const [backend, os, bus, expected] of cases) {
    assert.equal(planStore({ backend, os, bus }).kind, expected, `${backend} ${os} ${bus.kind}`);
  }
  const forced = planStore({ backend: "keyring", os: "linux", bus: socket });
  assert.deepEqual(
    forced,
    { kind: "probe", socket: "/b", allowActivation: true },
    "a forced keyring may be activated",
  );
  assert.deepEqual(planStore({ backend: "auto", os: "linux", bus: socket }), {
    kind: "probe",
    socket: "/b",
    allowActivation: false,
  });
});

test("decideAfterProbe: the file only when no store exists; a store that cannot answer means uncached", () => {
  const cases: [BackendChoice, ProbeState, string, boolean | undefined][] = [
    ["auto", "ready", "keyring", undefined],
    ["keyring", "ready", "keyring", undefined],
    ["auto", "no-bus", "file", undefined],
    ["auto", "no-service", "file", undefined],
    ["keyring", "no-bus", "uncached", true],
    ["keyring", "no-service", "uncached", true],
    ["auto", "locked", "uncached", false],
    ["auto", "no-collection", "uncached", false],
    ["auto", "timeout", "uncached", false],
    ["auto", "error", "uncached", false],
    ["keyring", "timeout", "uncached", false],
  ];
  for (const [backend, state, kind, warn] of cases) {
    const decision = decideAfterProbe(backend, { state, detail: "d" });
    assert.equal(decision.kind, kind, `${backend} ${state}`);
    assert.equal("warn" in decision ? decision.warn : undefined, warn, `${backend} ${state} warn`);
  }
});
