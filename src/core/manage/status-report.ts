import type { BackgroundRecord } from "../cache/background-refresh.js";
import { ENV } from "../config.js";
import type { StoreDecision } from "../store/backend-choice.js";
import { isUntouchable, type CacheFileState } from "./cache-file-state.js";

/** Everything --status reports, gathered by the flow (flows/manage/status-cache.ts). */
export interface StatusFacts {
  readonly version: string;
  /** The backend in force (KUBE_CREDENTIAL_CACHE_BACKEND, or its default). */
  readonly backend: string;
  /** KUBE_CREDENTIAL_CACHE_BACKEND as set; undefined or empty when it is not. */
  readonly backendSetting: string | undefined;
  readonly decision: StoreDecision;
  readonly file: CacheFileState;
  /** The secret store in use, if one is. */
  readonly keyring: { readonly location: string; readonly entries: number } | undefined;
  /** The memory that keeps a gone secret store's credentials out of the plaintext file (auto mode). */
  readonly usedSecretStoreBefore: boolean;
  readonly keyringIndex: string;
  /** The last background refresh per key (docs/background-refresh.md). */
  readonly background: readonly BackgroundRecord[];
}

/**
 * Whether a credential call would be cached now: some store is in use, and it is not the file store
 * facing a file it must leave alone (another user's, or a later kcc-cache's format: served uncached).
 * Caching turned off (/dev/null) is "no" too: --status exits 3 then, so that a script can test it.
 */
export function cachesNow(decision: StoreDecision, file: CacheFileState): boolean {
  if (decision.kind === "uncached") return false;
  return decision.kind === "keyring" || !isUntouchable(file);
}

/** --status's exit status when credentials would not be cached (2 stays a usage error). */
export const NOT_CACHING_EXIT = 3;

/** `kcc-cache --status [--json]`: which store serves and why, the cache file, the entry counts. */
export function renderStatus(facts: StatusFacts, json: boolean): string {
  const report = statusJson(facts);
  if (json) return `${JSON.stringify(report, null, 2)}\n`;
  const { file, decision, keyring } = facts;
  const leftovers =
    file.leftovers === 0
      ? ""
      : `, ${file.leftovers} leftover temporary ${file.leftovers === 1 ? "copy" : "copies"} holding credentials: removed by the next write or --clear`;
  const lines = [
    `kcc-cache ${facts.version}`,
    `backend:  ${facts.backend} (${report.backendSource === "default" ? `${ENV.backend} unset` : `${ENV.backend}=${facts.backendSetting ?? ""}`})`,
    `store:    ${decision.kind === "uncached" ? "none (credentials are not cached)" : decision.kind} — ${decision.why}`,
    `caching:  ${report.cached ? "yes" : "no: a credential call now runs the plugin and keeps nothing"}`,
    `file:     ${file.path} (${file.why === undefined ? file.state : `${file.state}: ${file.why}`}, ${entries(file.keys.length)}${leftovers})`,
    keyring === undefined
      ? "keyring:  not in use"
      : `keyring:  ${keyring.location} (${entries(keyring.entries)})`,
    facts.usedSecretStoreBefore
      ? `history:  this cache has kept credentials in a secret store (${facts.keyringIndex} exists): when none is usable, auto mode serves uncached instead of using the file; kcc-cache --clear --forget-secret-store forgets it`
      : "history:  this cache has never kept credentials in a secret store",
    ...(facts.background.length === 0
      ? ["background refresh: none logged"]
      : [
          "background refresh (last per key):",
          ...facts.background.map(
            (record) => `  ${record.at}  ${record.result}: ${record.why}  ${record.key}`,
          ),
        ]),
  ];
  return `${lines.join("\n")}\n`;
}

function statusJson(facts: StatusFacts) {
  const { file } = facts;
  return {
    version: facts.version,
    backend: facts.backend,
    backendSource:
      facts.backendSetting === undefined || facts.backendSetting === "" ? "default" : ENV.backend,
    store: facts.decision.kind,
    why: facts.decision.why,
    cached: cachesNow(facts.decision, file),
    file: {
      path: file.path,
      state: file.state,
      entries: file.keys.length,
      leftoverTempFiles: file.leftovers,
      ...(file.why === undefined ? {} : { problem: file.why }),
    },
    keyring: facts.keyring ?? null,
    secretStoreUsedBefore: facts.usedSecretStoreBefore,
    keyringIndex: facts.keyringIndex,
    backgroundRefresh: facts.background,
  };
}

function entries(count: number): string {
  return `${count} ${count === 1 ? "entry" : "entries"}`;
}
