import type { BackendChoice } from "./config.js";

/**
 * Which credential store serves this call, decided from facts the edge gathers cheaply (the OS, two
 * environment variables, one stat) and, on Linux, from a bounded D-Bus probe. The plaintext file is
 * chosen only when no secret store exists at all; a store that exists but cannot answer now (locked,
 * stalled) means "serve uncached": its secrets must not silently land in the plaintext file.
 */
export type BusLocation =
  | { readonly kind: "socket"; readonly path: string }
  | { readonly kind: "none" }
  | { readonly kind: "unsupported"; readonly address: string };

export interface BusFacts {
  /** DBUS_SESSION_BUS_ADDRESS. */
  readonly address: string | undefined;
  /** XDG_RUNTIME_DIR, where libdbus looks for `bus` when the address is unset. */
  readonly runtimeDir: string | undefined;
  /** Whether $XDG_RUNTIME_DIR/bus is a socket (gathered only when the address is unset). */
  readonly runtimeBusIsSocket: boolean;
}

/** The socket libdbus would use: the first unix: entry of the address, else $XDG_RUNTIME_DIR/bus. */
export function locateSessionBus(facts: BusFacts): BusLocation {
  const { address, runtimeDir } = facts;
  if (address === undefined || address === "") {
    return runtimeDir !== undefined && runtimeDir !== "" && facts.runtimeBusIsSocket
      ? { kind: "socket", path: `${runtimeDir}/bus` }
      : { kind: "none" };
  }
  for (const entry of address.split(";")) {
    const colon = entry.indexOf(":");
    if (colon < 0 || entry.slice(0, colon) !== "unix") continue;
    const params = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(",")) {
      const equals = pair.indexOf("=");
      if (equals > 0) params.set(pair.slice(0, equals), unescapeAddressValue(pair.slice(equals + 1)));
    }
    const path = params.get("path");
    if (path !== undefined && path !== "") return { kind: "socket", path };
    const abstract = params.get("abstract");
    // Linux abstract sockets: Node reaches them with a leading NUL.
    if (abstract !== undefined && abstract !== "") return { kind: "socket", path: `\0${abstract}` };
  }
  return { kind: "unsupported", address };
}

export interface StoreFacts {
  readonly backend: BackendChoice;
  readonly os: NodeJS.Platform;
  /** Only consulted where the store is the Secret Service (Linux, BSDs). */
  readonly bus: BusLocation;
}

export type StorePlan =
  | { readonly kind: "file"; readonly why: string }
  | { readonly kind: "keyring"; readonly why: string }
  | { readonly kind: "probe"; readonly socket: string; readonly allowActivation: boolean }
  | { readonly kind: "uncached"; readonly why: string; readonly warn: boolean };

/** A decision that needs no further probing. */
export type StoreDecision = Exclude<StorePlan, { readonly kind: "probe" }>;

/** The first, cheap decision: often final; on Linux with a session bus, "probe it". */
export function planStore(facts: StoreFacts): StorePlan {
  const { backend, os, bus } = facts;
  if (backend === "file") return { kind: "file", why: "KUBE_CREDENTIAL_CACHE_BACKEND=file" };
  const forced = backend === "keyring";
  if (os === "darwin") return { kind: "keyring", why: `macOS Keychain (${forced ? "forced" : "auto"})` };
  if (os === "win32")
    return { kind: "keyring", why: `Windows Credential Manager (${forced ? "forced" : "auto"})` };
  switch (bus.kind) {
    case "none": {
      const why = "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset and no $XDG_RUNTIME_DIR/bus)";
      return forced
        ? { kind: "uncached", why: `KUBE_CREDENTIAL_CACHE_BACKEND=keyring but ${why}`, warn: true }
        : { kind: "file", why };
    }
    case "unsupported":
      // tcp:/launchd: buses are rare; the addon handles them, without our bounded probe.
      return { kind: "keyring", why: `Secret Service on a non-unix bus (${bus.address}), not probed` };
    case "socket":
      return { kind: "probe", socket: bus.path, allowActivation: forced };
  }
}

export type ProbeState = "ready" | "locked" | "no-collection" | "timeout" | "no-bus" | "no-service" | "error";
export interface ProbeOutcome {
  readonly state: ProbeState;
  readonly detail: string;
}

/** The second decision, from what the Secret Service answered (or did not) in time. */
export function decideAfterProbe(backend: BackendChoice, outcome: ProbeOutcome): StoreDecision {
  const forced = backend === "keyring";
  switch (outcome.state) {
    case "ready":
      return { kind: "keyring", why: `Secret Service (${forced ? "forced" : "auto"}: ${outcome.detail})` };
    case "no-bus":
    case "no-service": {
      const why =
        outcome.state === "no-bus"
          ? `the D-Bus session bus does not accept connections (${outcome.detail})`
          : `no Secret Service on the session bus (${outcome.detail})`;
      return forced
        ? { kind: "uncached", why: `KUBE_CREDENTIAL_CACHE_BACKEND=keyring but ${why}`, warn: true }
        : { kind: "file", why };
    }
    case "locked":
    case "no-collection":
    case "timeout":
    case "error":
      return {
        kind: "uncached",
        why: `the Secret Service exists but cannot be used now (${outcome.state}: ${outcome.detail}); not caching rather than writing the secret to the plaintext file`,
        warn: false,
      };
  }
}

function unescapeAddressValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
