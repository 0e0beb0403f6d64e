import { ConfigError } from "./errors.js";
import { parseDuration } from "./duration.js";

/** The environment as a plain record, so the core never touches `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

export type BackendChoice = "auto" | "keyring" | "file";

export interface CacheConfig {
  readonly backend: BackendChoice;
  /** KUBE_CREDENTIAL_CACHE_FILE when set; otherwise the per-OS default is resolved by the caller. */
  readonly cacheFile: string | undefined;
  readonly refreshMarginMs: number;
  readonly defaultTtlMs: number;
  readonly noExpiryThresholdMs: number;
  readonly cacheKeyEnvList: readonly string[];
  readonly lockTimeoutMs: number;
  /** How long before the refresh margin a served credential also starts a background refresh; 0 is off. */
  readonly backgroundRefreshMs: number;
  /** Whether the same process asking again for a fresh credential counts as a rejection (docs/serve-decision.md). */
  readonly selfHeal: boolean;
  readonly debug: boolean;
}

export const ENV = {
  backend: "KUBE_CREDENTIAL_CACHE_BACKEND",
  file: "KUBE_CREDENTIAL_CACHE_FILE",
  refreshMargin: "KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN",
  defaultTtl: "KUBE_CREDENTIAL_CACHE_DEFAULT_TTL",
  noExpiryThreshold: "KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD",
  cacheKeyEnvList: "KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST",
  lockTimeout: "KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT",
  backgroundRefresh: "KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH",
  selfHeal: "KUBE_CREDENTIAL_CACHE_SELF_HEAL",
  debug: "KUBE_CREDENTIAL_CACHE_DEBUG",
  user: "KUBE_CREDENTIAL_CACHE_USER",
} as const;

/** The Go original's default list, plus nothing: drop-in users rely on it. */
export const DEFAULT_CACHEKEY_ENV_LIST: readonly string[] = [
  "KUBE_CREDENTIAL_CACHE_USER",
  "AWS_PROFILE",
  "AWS_REGION",
  "AWS_VAULT",
];

const TRUTHY = new Set(["1", "true", "yes", "on"]);
const FALSY = new Set(["0", "false", "no", "off"]);

/**
 * The last 5 minutes before the refresh margin: an EKS token (printed with 14 minutes to run) is then
 * served plainly for 8.5 minutes and refreshed ahead on any call in the next 5; hour-long GKE and
 * Azure tokens spend 54.5 minutes or more as plain hits (docs/serve-decision.md).
 */
const DEFAULT_BACKGROUND_REFRESH_MS = 5 * 60_000;

/**
 * Reads every KUBE_CREDENTIAL_CACHE_* setting. An empty variable counts as unset, as in the
 * Go original (os.Getenv(x) != ""). Invalid values throw a ConfigError naming the variable.
 */
export function readCacheConfig(env: Env): CacheConfig {
  return {
    backend: readBackend(env),
    cacheFile: nonEmpty(env[ENV.file]),
    refreshMarginMs: readDuration(env, ENV.refreshMargin, 30_000),
    defaultTtlMs: readDuration(env, ENV.defaultTtl, 3_600_000),
    noExpiryThresholdMs: readDuration(env, ENV.noExpiryThreshold, 86_400_000),
    cacheKeyEnvList: readEnvList(env[ENV.cacheKeyEnvList]),
    lockTimeoutMs: readDuration(env, ENV.lockTimeout, 60_000),
    backgroundRefreshMs: readDuration(env, ENV.backgroundRefresh, DEFAULT_BACKGROUND_REFRESH_MS),
    selfHeal: readSwitch(env, ENV.selfHeal, true),
    debug: isDebug(env),
  };
}

/**
 * As in the Go original: debug output for any value but an empty one and the false words (a user
 * who sets the variable at all wants to see something; `2` or `verbose` must not silently mean off).
 */
export function isDebug(env: Env): boolean {
  const value = (env[ENV.debug] ?? "").trim().toLowerCase();
  return value !== "" && !FALSY.has(value);
}

/** An on/off variable that, unlike the debug switch, changes behaviour: a typo is an error, not "off". */
function readSwitch(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = raw.trim().toLowerCase();
  if (TRUTHY.has(value)) return true;
  if (FALSY.has(value)) return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: use 1/true/yes/on or 0/false/no/off`);
}

function readBackend(env: Env): BackendChoice {
  const raw = nonEmpty(env[ENV.backend]);
  if (raw === undefined) return "auto";
  const value = raw.trim().toLowerCase();
  if (value === "auto" || value === "keyring" || value === "file") return value;
  throw new ConfigError(`${ENV.backend}=${JSON.stringify(raw)} is not valid: use keyring, file or auto`);
}

function readDuration(env: Env, name: string, fallbackMs: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallbackMs;
  const ms = parseDuration(raw.trim());
  if (ms === undefined) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not a duration: use Go syntax such as 30s, 1h30m, 1.5h or 500ms`,
    );
  }
  if (ms < 0) throw new ConfigError(`${name}=${JSON.stringify(raw)} must not be negative`);
  return ms;
}

function readEnvList(raw: string | undefined): readonly string[] {
  if (nonEmpty(raw) === undefined) return DEFAULT_CACHEKEY_ENV_LIST;
  const names = (raw ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  return [...new Set(names)];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
