import type { CacheEntry } from "../cache/cache-entry.js";
import { planCacheLifetime, type ExpiryPolicy } from "../cache/freshness.js";
import { validateExecCredential } from "./exec-credential.js";
import { utf8Text, type Decoded } from "./plugin-output.js";

/** What a plugin's successful output becomes: the one judgement the foreground and background refreshes share. */
export type JudgedOutput =
  /** Not something to keep: kubectl would reject it, or its bytes cannot be stored as text. */
  | { readonly kind: "not-cached"; readonly reason: string }
  /** A credential; `keep` is false when its lifetime rules out storing it (`why` says which). */
  | { readonly kind: "credential"; readonly entry: CacheEntry; readonly keep: boolean; readonly why: string };

/**
 * Judges a plugin's stdout once decoded (decodePluginOutput, which loads YAML only when the output is
 * not JSON, is the caller's: this stays pure).
 */
export function judgePluginOutput(
  decoded: Decoded,
  stdout: Uint8Array,
  apiVersion: string | undefined,
  policy: ExpiryPolicy,
  nowMs: number,
): JudgedOutput {
  const validation = decoded.ok
    ? validateExecCredential(decoded.value, apiVersion)
    : { ok: false as const, reason: decoded.reason };
  if (!validation.ok) return { kind: "not-cached", reason: validation.reason };
  // Entries hold text; bytes that are not UTF-8 (kubectl takes UTF-16 with a byte order mark) could not
  // be served back unchanged, so such output is passed on without caching it.
  const credential = utf8Text(stdout);
  if (credential === undefined) return { kind: "not-cached", reason: "it is not UTF-8" };
  const lifetime = planCacheLifetime(validation.facts.expiresAtMs, nowMs, policy);
  return {
    kind: "credential",
    entry: {
      credential,
      expiresAtMs: lifetime.cacheable ? lifetime.expiresAtMs : nowMs,
      expirySource: lifetime.cacheable ? lifetime.source : "plugin",
      kind: validation.facts.kind,
      storedAtMs: nowMs,
    },
    keep: lifetime.cacheable,
    why: lifetime.why,
  };
}
