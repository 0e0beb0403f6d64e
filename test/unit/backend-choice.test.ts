import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CHOOSE_FILE_HINT,
  locateSessionBus,
  looksForSessionBus,
  planStore,
  type BusLocation,
  type ProbeState,
} from "../../src/core/store/backend-choice.js";
import type { BackendChoice } from "../../src/core/config.js";

const LOADS = { loads: true } as const;

test("locateSessionBus finds the socket libdbus would use, and calls every other address unusable", () => {
  const cases: [string | undefined, string | undefined, boolean, string][] = [
    [undefined, undefined, false, "none"],
    ["", "/run/user/1000", false, "none"],
    [undefined, "/run/user/1000", false, "none"],
    [undefined, "/run/user/1000", true, "socket /run/user/1000/bus"],
    ["unix:path=/run/user/1000/bus", undefined, false, "socket /run/user/1000/bus"],
    ["unix:path=/tmp/dbus-x,guid=abc", undefined, false, "socket /tmp/dbus-x"],
    ["unix:abstract=/tmp/dbus-y,guid=abc", undefined, false, "socket \0/tmp/dbus-y"],
    ["unix:path=/tmp/with%20space", undefined, false, "socket /tmp/with space"],
    ["tcp:host=localhost,port=1;unix:path=/b", undefined, false, "socket /b"],
    ["disabled:;unix:path=/b", undefined, false, "socket /b"],
    ["disabled:", "/run/user/1000", true, "unusable the session bus is disabled"],
    ["garbage", undefined, false, "unusable not a D-Bus address"],
    [
      ":",
      undefined,
      false,
      "unusable no transport kcc-cache can reach with a deadline ((empty); only unix: sockets)",
    ],
    ["unix:", undefined, false, "unusable no unix: entry with a path= or abstract= socket (unix)"],
    ["unix:path=", undefined, false, "unusable no unix: entry with a path= or abstract= socket (unix)"],
    ["unix:tmpdir=/tmp", undefined, false, "unusable no unix: entry with a path= or abstract= socket (unix)"],
    ["unix:runtime=yes", undefined, false, "unusable no unix: entry with a path= or abstract= socket (unix)"],
    [
      "tcp:host=localhost,port=1",
      undefined,
      false,
      "unusable no transport kcc-cache can reach with a deadline (tcp; only unix: sockets)",
    ],
    [
      "nonce-tcp:host=h,port=1,noncefile=/n",
      undefined,
      false,
      "unusable no transport kcc-cache can reach with a deadline (nonce-tcp; only unix: sockets)",
    ],
    [
      "autolaunch:",
      undefined,
      false,
      "unusable no transport kcc-cache can reach with a deadline (autolaunch; only unix: sockets)",
    ],
    [
      "unixexec:path=/bin/x",
      undefined,
      false,
      "unusable no transport kcc-cache can reach with a deadline (unixexec; only unix: sockets)",
    ],
  ];
  for (const [address, runtimeDir, runtimeBusIsSocket, expected] of cases) {
    const bus = locateSessionBus({ address, runtimeDir, runtimeBusIsSocket });
    const shown =
      bus.kind === "socket"
        ? `socket ${bus.path}`
        : bus.kind === "unusable"
          ? `unusable ${bus.why}`
          : bus.kind;
    assert.equal(shown, expected, String(address));
  }
});

const BUSES: Record<"none" | "unusable" | "socket", BusLocation> = {
  none: { kind: "none" },
  unusable: { kind: "unusable", address: "disabled:", why: "the session bus is disabled" },
  socket: { kind: "socket", path: "/b" },
};

test("planStore: every backend × bus × probe outcome × used-before, on Linux (no binding needed)", () => {
  // Expected: the decision's kind, "!" when it warns; "-" means the fact is not consulted. No binding
  // fact is given: Linux speaks the Secret Service itself, so none is ever asked for.
  const cases: [BackendChoice, keyof typeof BUSES, ProbeState | "-", boolean, string][] = [
    ["file", "none", "-", false, "file"],
    ["file", "none", "-", true, "file"],
    ["file", "unusable", "-", false, "file"],
    ["file", "unusable", "-", true, "file"],
    ["file", "socket", "-", false, "file"],
    ["file", "socket", "-", true, "file"],
    ["auto", "none", "-", false, "file"],
    ["auto", "none", "-", true, "uncached!"],
    ["auto", "unusable", "-", false, "file"],
    ["auto", "unusable", "-", true, "uncached!"],
    ["auto", "socket", "ready", false, "keyring"],
    ["auto", "socket", "ready", true, "keyring"],
    ["auto", "socket", "no-bus", false, "file"],
    ["auto", "socket", "no-bus", true, "uncached!"],
    ["auto", "socket", "no-service", false, "file"],
    ["auto", "socket", "no-service", true, "uncached!"],
    ["auto", "socket", "locked", false, "uncached"],
    ["auto", "socket", "locked", true, "uncached"],
    ["auto", "socket", "no-collection", false, "uncached"],
    ["auto", "socket", "no-collection", true, "uncached"],
    ["auto", "socket", "timeout", false, "uncached"],
    ["auto", "socket", "timeout", true, "uncached"],
    ["auto", "socket", "error", false, "uncached"],
    ["auto", "socket", "error", true, "uncached"],
    ["keyring", "none", "-", false, "uncached!"],
    ["keyring", "none", "-", true, "uncached!"],
    ["keyring", "unusable", "-", false, "uncached!"],
    ["keyring", "unusable", "-", true, "uncached!"],
    ["keyring", "socket", "ready", false, "keyring"],
    ["keyring", "socket", "ready", true, "keyring"],
    ["keyring", "socket", "no-bus", false, "uncached!"],
    ["keyring", "socket", "no-bus", true, "uncached!"],
    ["keyring", "socket", "no-service", false, "uncached!"],
    ["keyring", "socket", "no-service", true, "uncached!"],
    ["keyring", "socket", "locked", false, "uncached"],
    ["keyring", "socket", "locked", true, "uncached"],
    ["keyring", "socket", "no-collection", false, "uncached"],
    ["keyring", "socket", "no-collection", true, "uncached"],
    ["keyring", "socket", "timeout", false, "uncached"],
    ["keyring", "socket", "timeout", true, "uncached"],
    ["keyring", "socket", "error", false, "uncached"],
    ["keyring", "socket", "error", true, "uncached"],
  ];
  for (const [backend, bus, state, usedSecretStore, expected] of cases) {
    const probe = state === "-" ? undefined : { state, detail: "d" };
    const plan = planStore({ backend, os: "linux", bus: BUSES[bus], probe, usedSecretStore });
    const shown = `${plan.kind}${"warn" in plan && plan.warn ? "!" : ""}`;
    assert.equal(shown, expected, `${backend} ${bus} ${state} used=${usedSecretStore}`);
  }
});

test("planStore asks for a fact only where the decision depends on it", () => {
  // [backend, os, bus, probe given, used-before given, expected plan]
  const cases: [
    BackendChoice,
    NodeJS.Platform,
    keyof typeof BUSES,
    ProbeState | "-",
    boolean | "-",
    string,
  ][] = [
    ["file", "linux", "socket", "-", "-", "file"],
    ["file", "linux", "none", "-", "-", "file"],
    ["auto", "darwin", "none", "-", "-", "load-binding"],
    ["keyring", "darwin", "none", "-", "-", "load-binding"],
    ["auto", "win32", "none", "-", "-", "load-binding"],
    ["keyring", "win32", "none", "-", "-", "load-binding"],
    ["file", "darwin", "none", "-", "-", "file"],
    ["file", "win32", "none", "-", "-", "file"],
    ["auto", "darwin", "socket", "-", "-", "load-binding"],
    ["auto", "win32", "socket", "-", "-", "load-binding"],
    ["keyring", "darwin", "unusable", "-", true, "load-binding"],
    ["auto", "win32", "none", "-", false, "load-binding"],
    ["auto", "darwin", "socket", "locked", true, "load-binding"],
    ["auto", "linux", "socket", "-", "-", "probe /b activation=false"],
    ["keyring", "linux", "socket", "-", "-", "probe /b activation=true"],
    ["keyring", "freebsd", "socket", "-", "-", "probe /b activation=true"],
    ["auto", "linux", "none", "-", "-", "check-history"],
    ["auto", "linux", "unusable", "-", "-", "check-history"],
    ["auto", "linux", "socket", "no-service", "-", "check-history"],
    ["auto", "linux", "socket", "no-bus", "-", "check-history"],
    ["auto", "linux", "socket", "ready", "-", "keyring"],
    ["keyring", "freebsd", "socket", "ready", "-", "keyring"],
    ["auto", "linux", "socket", "locked", "-", "uncached"],
    ["keyring", "linux", "none", "-", "-", "uncached"],
    ["keyring", "linux", "socket", "no-service", "-", "uncached"],
  ];
  for (const [backend, os, bus, state, used, expected] of cases) {
    const plan = planStore({
      backend,
      os,
      bus: BUSES[bus],
      probe: state === "-" ? undefined : { state, detail: "d" },
      usedSecretStore: used === "-" ? undefined : used,
    });
    const shown =
      plan.kind === "probe" ? `probe ${plan.socket} activation=${plan.allowActivation}` : plan.kind;
    assert.equal(shown, expected, `${backend} ${os} ${bus} ${state} ${used}`);
  }
});

test("planStore says why, and how to choose the file, when a store used before has gone", () => {
  const cases: [BackendChoice, keyof typeof BUSES, ProbeState | "-", boolean, RegExp][] = [
    [
      "auto",
      "none",
      "-",
      true,
      /^no D-Bus session bus .*secret store before.*KUBE_CREDENTIAL_CACHE_BACKEND=file/,
    ],
    [
      "auto",
      "unusable",
      "-",
      true,
      /DBUS_SESSION_BUS_ADDRESS=disabled:: the session bus is disabled.*secret store before/,
    ],
    [
      "auto",
      "socket",
      "no-service",
      true,
      /^no Secret Service on the session bus \(d\), and .*secret store before/,
    ],
    [
      "keyring",
      "unusable",
      "-",
      false,
      /^KUBE_CREDENTIAL_CACHE_BACKEND=keyring but no usable D-Bus session bus/,
    ],
    ["auto", "none", "-", false, /^no D-Bus session bus/],
  ];
  for (const [backend, bus, state, usedSecretStore, expected] of cases) {
    const probe = state === "-" ? undefined : { state, detail: "d" };
    const plan = planStore({ backend, os: "linux", bus: BUSES[bus], probe, usedSecretStore });
    assert.ok("why" in plan, `${backend} ${bus} ${state}`);
    assert.match(plan.why, expected, `${backend} ${bus} ${state}`);
  }
  assert.match(CHOOSE_FILE_HINT, /KUBE_CREDENTIAL_CACHE_BACKEND=file/);
});

test("planStore on macOS and Windows: the OS store in auto and forced modes, the file only when chosen", () => {
  const cases: [BackendChoice, NodeJS.Platform, string][] = [
    ["auto", "darwin", "keyring macOS Keychain (auto)"],
    ["keyring", "darwin", "keyring macOS Keychain (forced)"],
    ["file", "darwin", "file KUBE_CREDENTIAL_CACHE_BACKEND=file"],
    ["auto", "win32", "keyring Windows Credential Manager (auto)"],
    ["keyring", "win32", "keyring Windows Credential Manager (forced)"],
    ["file", "win32", "file KUBE_CREDENTIAL_CACHE_BACKEND=file"],
  ];
  for (const [backend, os, expected] of cases) {
    const plan = planStore({ backend, os, bus: BUSES.none, binding: LOADS });
    assert.equal("why" in plan ? `${plan.kind} ${plan.why}` : plan.kind, expected, `${backend} ${os}`);
  }
});

/** A native binding that does not load is a secret store that is not there (one row per case). */
const bindingRows: [BackendChoice, NodeJS.Platform, boolean | "-", string][] = [
  // backend, OS, used a secret store before ("-": not asked yet), expected plan ("!": warns)
  ["auto", "win32", "-", "check-history"],
  ["auto", "win32", false, "file"],
  ["auto", "win32", true, "uncached!"],
  ["keyring", "win32", "-", "uncached!"],
  ["auto", "darwin", false, "file"],
  ["keyring", "darwin", false, "uncached!"],
  // Linux does not use the binding: whether it loads changes nothing there.
  ["auto", "linux", false, "keyring"],
  ["auto", "linux", true, "keyring"],
  ["keyring", "linux", false, "keyring"],
];
for (const [backend, os, used, expected] of bindingRows) {
  test(`planStore: the binding does not load, ${backend} on ${os}, used before: ${String(used)} -> ${expected}`, () => {
    const plan = planStore({
      backend,
      os,
      bus: BUSES.socket,
      probe: os === "linux" ? { state: "ready", detail: "d" } : undefined,
      usedSecretStore: used === "-" ? undefined : used,
      binding: { loads: false, why: "LoadLibrary failed: Module not found." },
    });
    assert.equal(`${plan.kind}${"warn" in plan && plan.warn ? "!" : ""}`, expected);
    if ("why" in plan && plan.kind !== "keyring")
      assert.match(plan.why, /native binding does not load \(LoadLibrary failed: Module not found\.\)/);
  });
}

test("planStore: a binding that loads is the keyring, on every OS", () => {
  for (const os of ["win32", "darwin", "linux"] as const) {
    const plan = planStore({
      backend: "auto",
      os,
      bus: BUSES.socket,
      probe: { state: "ready", detail: "d" },
      binding: LOADS,
    });
    assert.equal(plan.kind, "keyring", os);
  }
});

const busRows: [BackendChoice, NodeJS.Platform, boolean][] = [
  ["auto", "linux", true],
  ["keyring", "linux", true],
  ["file", "linux", false],
  ["auto", "freebsd", true],
  ["auto", "darwin", false],
  ["keyring", "darwin", false],
  ["auto", "win32", false],
  ["keyring", "win32", false],
];
for (const [backend, os, expected] of busRows) {
  test(`looksForSessionBus: ${backend} on ${os} -> ${expected}`, () => {
    assert.equal(looksForSessionBus(backend, os), expected);
  });
}
