import { statSync } from "../io/fs.js";
import {
  locateSessionBus,
  looksForSessionBus,
  planStore,
  type BindingOutcome,
  type StoreDecision,
  type StoreFacts,
  type StorePlan,
} from "../core/store/backend-choice.js";
import { resolveCacheLocation, type CacheLocation } from "../core/cache/cache-location.js";
import type { CacheConfig } from "../core/config.js";
import { errorFirstLine } from "../core/errors.js";
import { childPath } from "../core/path-names.js";
import { describeBindingFailure } from "../core/store/binding-failure.js";
import { checkCacheLocation } from "../io/cache-file/location-check.js";
import type { CredentialStore } from "../io/credential-store.js";
import type { DebugLog } from "../io/debug-log.js";
import type { KeyringApi } from "../io/secret-store/keyring-api.js";
import type { SecretServiceStore, StartedProbe } from "../io/secret-store/probe.js";
import { createFileStore, type FileStore } from "../io/cache-file/file-store.js";
import type { SecretStore } from "../io/secret-store/secret-store.js";
import { warn, type Runtime } from "./runtime.js";

/**
 * Pauses between looks at a held cache-file lock: short at first (it is held for milliseconds),
 * growing with jitter when many writers queue (core/cache/lock-wait.ts).
 */
const FILE_LOCK_PACING = { pollMs: 5, maxPollMs: 100 };
/**
 * A Secret Service answers in a few ms; past this it is stalled (stopped daemon, hung activation).
 * It bounds the probe and every later wait on its connection (src/io/secret-store/dbus-connection.ts).
 */
const KEYRING_PROBE_TIMEOUT_MS = 2_000;

export function cacheLocation(config: CacheConfig, runtime: Runtime): CacheLocation {
  return resolveCacheLocation(config.cacheFile, { ...runtime.platform, env: runtime.env });
}

/**
 * Which store serves this call (core/store/backend-choice.ts decides), and that store opened when it
 * is the secret store (for --list, --status and --clear). Deciding "no secret store" costs two
 * environment lookups and at most two stats, so the file-store hit never loads the keyring code; only
 * a session bus that exists is asked, with a deadline, whether its Secret Service is usable.
 */
export async function chooseStore(
  config: CacheConfig,
  runtime: Runtime,
  debug: DebugLog,
): Promise<{ readonly decision: StoreDecision; readonly secretStore: SecretStore | undefined }> {
  const { decision, probeAgain, keyring } = await settleStore(config, runtime, storeFacts(config, runtime));
  const secretStore =
    decision.kind === "keyring"
      ? await openSecretStore(config, runtime, debug, probeAgain, keyring)
      : undefined;
  return { decision, secretStore };
}

interface SettledStore {
  readonly decision: StoreDecision;
  /** Asks the Secret Service again, as the first time (only where a probe chose it). */
  readonly probeAgain: (() => Promise<StoreDecision>) | undefined;
  /**
   * The OS secret store, loaded to decide: there only when the decision is the keyring (on Linux the
   * Secret Service over the probe's connection, elsewhere the native addon).
   */
  readonly keyring: KeyringApi | undefined;
}

/** What is known before anything is asked: the configuration, the platform, where a session bus is. */
function storeFacts(config: CacheConfig, runtime: Runtime): StoreFacts {
  const { env } = runtime;
  const address = env["DBUS_SESSION_BUS_ADDRESS"];
  const runtimeDir = env["XDG_RUNTIME_DIR"];
  const bus = looksForSessionBus(config.backend, runtime.platform.os)
    ? locateSessionBus({
        address,
        runtimeDir,
        runtimeBusIsSocket:
          (address === undefined || address === "") && runtimeDir !== undefined && runtimeDir !== ""
            ? isSocket(childPath(runtimeDir, "bus", runtime.platform.os))
            : false,
      })
    : { kind: "none" as const };
  return { backend: config.backend, os: runtime.platform.os, bus };
}

/** `started`: the probe the first plan asks for, begun already (see openStore). */
async function settleStore(
  config: CacheConfig,
  runtime: Runtime,
  known: StoreFacts,
  started?: StartedProbe,
  whileWaiting?: () => void,
): Promise<SettledStore> {
  let facts = known;
  let service: SecretServiceStore | undefined;
  let keyring: KeyringApi | undefined;
  for (;;) {
    const plan = planStore(facts);
    switch (plan.kind) {
      case "probe": {
        const probe = started ?? (await startProbe(plan.socket, plan.allowActivation, runtime.uid ?? 0));
        const probed = await probe.result(whileWaiting);
        service = probed.store;
        facts = { ...facts, probe: probed.outcome };
        continue;
      }
      case "check-history":
        facts = { ...facts, usedSecretStore: usedSecretStoreBefore(config, runtime) };
        continue;
      case "load-binding": {
        const binding = await loadBinding(runtime);
        keyring = binding.keyring;
        facts = { ...facts, binding: binding.outcome };
        continue;
      }
      default: {
        if (plan.kind !== "keyring") return { decision: plan, probeAgain: undefined, keyring: undefined };
        // Before a write, the same facts with a fresh answer over the same connection; the store is in
        // use by then, so a Secret Service that has gone means "do not write", never "write the file".
        const base = { ...facts, usedSecretStore: true };
        const asked = service;
        const probeAgain =
          asked === undefined
            ? undefined
            : async (): Promise<StoreDecision> =>
                settle(planStore({ ...base, probe: await asked.askAgain() }));
        return { decision: plan, probeAgain, keyring: keyring ?? service?.keyring };
      }
    }
  }
}

/** The native binding to the OS secret store, or why it does not load (core/store/backend-choice.ts). */
async function loadBinding(
  runtime: Runtime,
): Promise<{ readonly outcome: BindingOutcome; readonly keyring: KeyringApi | undefined }> {
  try {
    const { loadKeyring } = await import("../io/secret-store/native-binding.js");
    return { outcome: { loads: true }, keyring: loadKeyring(runtime.platform) };
  } catch (error) {
    const why = describeBindingFailure(errorFirstLine(error));
    return { outcome: { loads: false, why }, keyring: undefined };
  }
}

async function startProbe(
  socket: string,
  allowActivation: boolean,
  uid: number,
  readAhead?: string,
): Promise<StartedProbe> {
  const { startSecretServiceProbe } = await import("../io/secret-store/probe.js");
  return startSecretServiceProbe({
    socket,
    uid,
    timeoutMs: KEYRING_PROBE_TIMEOUT_MS,
    allowActivation,
    ...(readAhead === undefined ? {} : { readAhead }),
  });
}

/** planStore with every fact it asks for already given always decides; this narrows the type. */
function settle(plan: StorePlan): StoreDecision {
  if (plan.kind === "probe" || plan.kind === "check-history" || plan.kind === "load-binding")
    throw new Error(`store plan unsettled: ${plan.kind}`);
  return plan;
}

/**
 * The keys index is written by every successful secret-store write and only ever rewritten (never
 * removed) afterwards, so its existence is the cache's memory of having used a secret store.
 */
export function usedSecretStoreBefore(config: CacheConfig, runtime: Runtime): boolean {
  try {
    return statSync(keyringIndexPath(config, runtime), { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

export function keyringIndexPath(config: CacheConfig, runtime: Runtime): string {
  return childPath(cacheLocation(config, runtime).directory, "keyring-index.json", runtime.platform.os);
}

/**
 * The store the configuration and the machine call for. `readAhead`: the key the caller reads first,
 * which a Secret Service probe asks for along with its own questions (docs/secret-store.md).
 * `whileWaiting`: work of the caller's that does not depend on the store, run while a Secret Service
 * answers where the probe waits for it (not at all otherwise: the caller makes sure it is done).
 */
export async function openStore(
  config: CacheConfig,
  runtime: Runtime,
  debug: DebugLog,
  readAhead?: string,
  whileWaiting?: () => void,
): Promise<CredentialStore> {
  const location = cacheLocation(config, runtime);
  const facts = storeFacts(config, runtime);
  // A keyring hit's first questions go out before the location checks, which then run while the
  // daemons answer (docs/startup.md, "A keyring hit at once").
  const first = planStore(facts);
  const started =
    first.kind === "probe" && readAhead !== undefined
      ? await startProbe(first.socket, first.allowActivation, runtime.uid ?? 0, readAhead)
      : undefined;
  const state = checkCacheLocation(location, runtime.uid);
  if (state.kind !== "ok") {
    started?.abandon();
    debug(`store: none (${state.why})`);
    if (state.kind === "distrust") warn(runtime, `${state.why}; credentials are not cached`);
    return uncachedStore(undefined, debug, state.why);
  }
  const {
    decision: plan,
    probeAgain,
    keyring,
  } = await settleStore(config, runtime, facts, started, whileWaiting);
  const where = plan.kind === "file" ? ` ${location.file}` : "";
  debug(`store: ${plan.kind}${where} (${plan.why})`);
  switch (plan.kind) {
    case "file":
      return openFileStore(config, runtime, debug);
    case "keyring":
      try {
        return await openSecretStore(config, runtime, debug, probeAgain, keyring);
      } catch (error) {
        const why = `the secret store cannot be opened (${errorFirstLine(error)})`;
        warn(runtime, `${why}; the credential is not cached`);
        return uncachedStore(location.locks, debug, why);
      }
    case "uncached":
      if (plan.warn) warn(runtime, plan.line ?? `${plan.why}; the credential is not cached`);
      return uncachedStore(location.locks, debug, plan.why);
  }
}

export function openFileStore(config: CacheConfig, runtime: Runtime, debug: DebugLog): FileStore {
  return createFileStore({
    location: cacheLocation(config, runtime),
    uid: runtime.uid,
    warn: (message) => {
      warn(runtime, message);
    },
    debug,
    lockFile: (lockPath) => lockFile(lockPath, config, runtime),
  });
}

async function openSecretStore(
  config: CacheConfig,
  runtime: Runtime,
  debug: DebugLog,
  probeAgain?: () => Promise<StoreDecision>,
  loaded?: KeyringApi,
): Promise<SecretStore> {
  const [{ createKeyringIndex }, { createSecretStore }] = await Promise.all([
    import("../io/secret-store/keyring-index.js"),
    import("../io/secret-store/secret-store.js"),
  ]);
  const location = cacheLocation(config, runtime);
  return createSecretStore({
    keyring: loaded ?? (await import("../io/secret-store/native-binding.js")).loadKeyring(runtime.platform),
    index: createKeyringIndex(keyringIndexPath(config, runtime), (path) => lockFile(path, config, runtime)),
    // The same per-key refresh locks as the file store: single flight holds whichever store serves.
    lockDirectory: location.locks,
    warn: (message) => {
      warn(runtime, message);
    },
    debug,
    // A slow plugin (MFA, SSO) gives the collection time to lock, and a write would then need an
    // unlock prompt: ask again first, with the same deadline, and skip the write if the answer changed.
    ...(probeAgain === undefined
      ? {}
      : {
          writable: async () => {
            const now = await probeAgain();
            if (now.kind === "keyring") return { ok: true as const };
            if (now.kind === "uncached" && now.warn)
              warn(runtime, now.line ?? `${now.why}; the credential is not cached`);
            return { ok: false as const, why: now.why };
          },
        }),
  });
}

/**
 * A store that cannot be used now: serve the plugin's credential, keep nothing. Refreshes still take
 * the per-key lock where the lock directory can be trusted (`lockDirectory`).
 */
function uncachedStore(lockDirectory: string | undefined, debug: DebugLog, why: string): CredentialStore {
  return {
    name: "keyring",
    location: "unavailable",
    lockDirectory,
    get: () => Promise.resolve(undefined),
    put: () => {
      debug(`not cached: ${why}`);
      return Promise.resolve();
    },
  };
}

async function lockFile(
  lockPath: string,
  config: CacheConfig,
  runtime: Runtime,
): Promise<(() => void) | undefined> {
  const { acquireLock, cacheFileLockWaitMs } = await import("../io/locks/refresh-lock.js");
  const outcome = await acquireLock(lockPath, {
    timeoutMs: cacheFileLockWaitMs(config.lockTimeoutMs),
    ...FILE_LOCK_PACING,
    now: runtime.now,
    isSatisfied: () => Promise.resolve(false),
  });
  return outcome.kind === "acquired" ? outcome.release : undefined;
}

function isSocket(path: string): boolean {
  try {
    // No bus is the common answer off the desktop: undefined, not an error built to be caught.
    return statSync(path, { throwIfNoEntry: false })?.isSocket() === true;
  } catch {
    return false;
  }
}
