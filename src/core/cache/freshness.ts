/**
 * When a credential may be served from the cache, and for how long a fresh one is kept.
 * Pure: the current time is an argument.
 */
export interface ExpiryPolicy {
  readonly refreshMarginMs: number;
  readonly defaultTtlMs: number;
  readonly noExpiryThresholdMs: number;
}

export type ExpirySource = "plugin" | "default-ttl";

export type CacheLifetime =
  | {
      readonly cacheable: true;
      readonly expiresAtMs: number;
      readonly source: ExpirySource;
      readonly why: string;
    }
  | { readonly cacheable: false; readonly why: string };

/**
 * How long to keep a credential the plugin just printed. A missing expiry, or one more than the
 * no-expiry threshold in the past (Go's zero time 0001-01-01 is how such plugins show up), means
 * "no expiry given": keep it for the default TTL. A recent past expiry is a genuinely expired
 * credential and is not kept. The credential itself is never altered.
 */
export function planCacheLifetime(
  pluginExpiresAtMs: number | undefined,
  nowMs: number,
  policy: ExpiryPolicy,
): CacheLifetime {
  if (pluginExpiresAtMs === undefined) {
    return defaultTtl(nowMs, policy, "no status.expirationTimestamp");
  }
  if (pluginExpiresAtMs < nowMs - policy.noExpiryThresholdMs) {
    return defaultTtl(
      nowMs,
      policy,
      "status.expirationTimestamp is beyond the no-expiry threshold in the past",
    );
  }
  if (!isFresh(pluginExpiresAtMs, nowMs, policy.refreshMarginMs)) {
    return { cacheable: false, why: "the credential expires within the refresh margin" };
  }
  return { cacheable: true, expiresAtMs: pluginExpiresAtMs, source: "plugin", why: "plugin expiry" };
}

/** Past its expiry: what pruning drops (from the file, the secret store and the keyring index). */
export function isExpired(expiresAtMs: number, nowMs: number): boolean {
  return expiresAtMs <= nowMs;
}

/** Serve while expiry minus the refresh margin is still in the future. */
export function isFresh(expiresAtMs: number, nowMs: number, refreshMarginMs: number): boolean {
  return expiresAtMs - refreshMarginMs > nowMs;
}

function defaultTtl(nowMs: number, policy: ExpiryPolicy, why: string): CacheLifetime {
  const expiresAtMs = nowMs + policy.defaultTtlMs;
  if (!isFresh(expiresAtMs, nowMs, policy.refreshMarginMs)) {
    return { cacheable: false, why: `${why}, and the default TTL is within the refresh margin` };
  }
  return { cacheable: true, expiresAtMs, source: "default-ttl", why: `${why}: default TTL applies` };
}
