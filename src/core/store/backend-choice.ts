import type { BackendChoice } from "../config.js";

/**
 * Which credential store serves this call. One pure function decides from facts the edge gathers,
 * and names the next fact it needs when it cannot decide yet: the bus address is always known, a
 * bounded D-Bus probe is asked for only where a session bus exists, and whether this cache has used
 * a secret store before (one stat) only where the answer would otherwise be the plaintext file.
 *
 * The rules: the plaintext file only when no secret store exists AND none was ever used for this
 * cache (or the user chose the file); a store that exists but cannot answer now (locked, stalled)
 * means "serve uncached", and so does a store that was in use and has gone: its secrets must not
 * silently land in the plaintext file. A secret store is only there when kcc-cache can also reach
 * it: on macOS and Windows, through a native binding, and one that does not load (an antivirus or a
 * locked-down %TEMP% blocking the standalone binary's extraction of it, a package manager that
 * skipped it) is a store that is not. Linux needs no binding: kcc-cache speaks the Secret Service
 * over the probe's own D-Bus connection (docs/secret-store.md).
 */
export type BusLocation =
  | { readonly kind: "socket"; readonly path: string }
  | { readonly kind: "none" }
  /** An address set to something the probe cannot connect to: no usable session bus. */
  | { readonly kind: "unusable"; readonly address: string; readonly why: string };

export interface BusFacts {
  /** DBUS_SESSION_BUS_ADDRESS. */
  readonly address: string | undefined;
  /** XDG_RUNTIME_DIR, where libdbus looks for `bus` when the address is unset. */
  readonly runtimeDir: string | undefined;
  /** Whether $XDG_RUNTIME_DIR/bus is a socket (gathered only when the address is unset). */
  readonly runtimeBusIsSocket: boolean;
}

/**
 * The socket libdbus would use: the first connectable unix: entry of the address, else
 * $XDG_RUNTIME_DIR/bus. Any other address is unusable here: `disabled:` (containers say "no bus"
 * this way), garbage, listen-only unix: forms (tmpdir=, dir=, runtime=), and transports the bounded
 * probe cannot authenticate on (tcp: and nonce-tcp: need a cookie handshake, autolaunch: and
 * unixexec: start processes). Handing those to the native addon instead costs an unbounded,
 * uninterruptible call per read and write, so they count as "no session bus".
 */
export function locateSessionBus(facts: BusFacts): BusLocation {
  const { address, runtimeDir } = facts;
  if (address === undefined || address === "") {
    return runtimeDir !== undefined && runtimeDir !== "" && facts.runtimeBusIsSocket
      ? { kind: "socket", path: `${runtimeDir}/bus` }
      : { kind: "none" };
  }
  const transports: string[] = [];
  for (const entry of address.split(";")) {
    const colon = entry.indexOf(":");
    if (colon < 0) continue;
    const transport = entry.slice(0, colon);
    transports.push(transport === "" ? "(empty)" : transport);
    if (transport !== "unix") continue;
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
  return { kind: "unusable", address, why: unusableWhy(transports) };
}

function unusableWhy(transports: readonly string[]): string {
  if (transports.length === 0) return "not a D-Bus address";
  if (transports.length === 1 && transports[0] === "disabled") return "the session bus is disabled";
  const kinds = [...new Set(transports)].join(", ");
  return transports.includes("unix")
    ? `no unix: entry with a path= or abstract= socket (${kinds})`
    : `no transport kcc-cache can reach with a deadline (${kinds}; only unix: sockets)`;
}

/**
 * Whether the session bus is looked for at all: only where the secret store is the Secret Service
 * (not macOS or Windows, whose stores need no bus) and the user did not choose the file. Answering no
 * here keeps the file-store hit free of every D-Bus fact.
 */
export function looksForSessionBus(backend: BackendChoice, os: NodeJS.Platform): boolean {
  return backend !== "file" && os !== "darwin" && os !== "win32";
}

export interface StoreFacts {
  readonly backend: BackendChoice;
  readonly os: NodeJS.Platform;
  /** Only consulted where the store is the Secret Service (Linux, BSDs). */
  readonly bus: BusLocation;
  /** What the Secret Service answered (or did not) in time; undefined until probed. */
  readonly probe?: ProbeOutcome | undefined;
  /**
   * Whether credentials for this cache have lived in a secret store before (its keys index exists);
   * undefined until gathered.
   */
  readonly usedSecretStore?: boolean | undefined;
  /**
   * Whether the native binding to the OS secret store loads (macOS, Windows); undefined until tried,
   * which is only once a secret store would otherwise serve.
   */
  readonly binding?: BindingOutcome | undefined;
}

export type BindingOutcome = { readonly loads: true } | { readonly loads: false; readonly why: string };

export type StoreDecision =
  | { readonly kind: "file"; readonly why: string }
  | { readonly kind: "keyring"; readonly why: string }
  | {
      readonly kind: "uncached";
      readonly why: string;
      readonly warn: boolean;
      /** The one stderr line when it warns, where `why` is too long for every call (--status shows `why`). */
      readonly line?: string;
    };

/** A decision, or the fact still needed to make one. */
export type StorePlan =
  | StoreDecision
  | { readonly kind: "probe"; readonly socket: string; readonly allowActivation: boolean }
  | { readonly kind: "check-history" }
  | { readonly kind: "load-binding" };

export type ProbeState = "ready" | "locked" | "no-collection" | "timeout" | "no-bus" | "no-service" | "error";
export interface ProbeOutcome {
  readonly state: ProbeState;
  readonly detail: string;
}

/**
 * The warning of a cache that used a secret store, where none answers now (an ssh session, a
 * container): it stays until the user chooses, so it says how in one line.
 */
const FORGET_HINT =
  "not cached: this cache used a secret store, and none answers here (for the file: KUBE_CREDENTIAL_CACHE_BACKEND=file, or kcc-cache --clear --forget-secret-store)";

/** How to leave the "uncached" state on purpose, said wherever kcc-cache refuses the file. */
export const CHOOSE_FILE_HINT = "set KUBE_CREDENTIAL_CACHE_BACKEND=file to cache in the plaintext file";

export function planStore(facts: StoreFacts): StorePlan {
  const { backend } = facts;
  if (backend === "file") return { kind: "file", why: "KUBE_CREDENTIAL_CACHE_BACKEND=file" };
  const forced = backend === "keyring";
  const found = findSecretStore(facts, forced);
  if (found.kind !== "missing" && found.kind !== "found") return found;
  let missing: string;
  if (found.kind === "found") {
    if (!found.viaBinding) return { kind: "keyring", why: found.why };
    if (facts.binding === undefined) return { kind: "load-binding" };
    if (facts.binding.loads) return { kind: "keyring", why: found.why };
    missing = `the secret store's native binding does not load (${facts.binding.why})`;
  } else {
    missing = found.missing;
  }
  if (forced)
    return { kind: "uncached", why: `KUBE_CREDENTIAL_CACHE_BACKEND=keyring but ${missing}`, warn: true };
  if (facts.usedSecretStore === undefined) return { kind: "check-history" };
  return facts.usedSecretStore
    ? {
        kind: "uncached",
        why: `${missing}, and this cache kept its credentials in a secret store before; not writing them to the plaintext file (${CHOOSE_FILE_HINT})`,
        warn: true,
        // Said on every call until the user acts, so short, and saying how to act.
        line: FORGET_HINT,
      }
    : { kind: "file", why: missing };
}

/** The OS's secret store as the facts show it: there (and why), missing (and why), or a plan. */
function findSecretStore(
  facts: StoreFacts,
  forced: boolean,
):
  | { readonly kind: "found"; readonly why: string; readonly viaBinding: boolean }
  | { readonly kind: "missing"; readonly missing: string }
  | StorePlan {
  const { os, bus, probe } = facts;
  const mode = forced ? "forced" : "auto";
  if (os === "darwin") return { kind: "found", why: `macOS Keychain (${mode})`, viaBinding: true };
  if (os === "win32") return { kind: "found", why: `Windows Credential Manager (${mode})`, viaBinding: true };
  switch (bus.kind) {
    case "none":
      return {
        kind: "missing",
        missing: "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset and no $XDG_RUNTIME_DIR/bus)",
      };
    case "unusable":
      return {
        kind: "missing",
        missing: `no usable D-Bus session bus (DBUS_SESSION_BUS_ADDRESS=${bus.address}: ${bus.why})`,
      };
    case "socket":
      if (probe === undefined) return { kind: "probe", socket: bus.path, allowActivation: forced };
      switch (probe.state) {
        case "ready":
          return { kind: "found", why: `Secret Service (${mode}: ${probe.detail})`, viaBinding: false };
        case "no-bus":
          return {
            kind: "missing",
            missing: `the D-Bus session bus does not accept connections (${probe.detail})`,
          };
        case "no-service":
          return { kind: "missing", missing: `no Secret Service on the session bus (${probe.detail})` };
        case "locked":
        case "no-collection":
        case "timeout":
        case "error":
          return {
            kind: "uncached",
            why: `the Secret Service exists but cannot be used now (${probe.state}: ${probe.detail}); not caching rather than writing the secret to the plaintext file`,
            warn: false,
          };
      }
  }
}

function unescapeAddressValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
