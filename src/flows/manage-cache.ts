import type { StoreDecision } from "../core/store/backend-choice.js";
import type { CacheEntry } from "../core/cache/cache-entry.js";
import { EMPTY_DOCUMENT } from "../core/cache/cache-document.js";
import { ENV, readCacheConfig } from "../core/config.js";
import { lastBackgroundRecords, type BackgroundRecord } from "../core/cache/background-refresh.js";
import { formatDuration } from "../core/duration.js";
import { leftoverTempFiles } from "../io/atomic-file.js";
import { backgroundLogPath, readBackgroundLog } from "../io/background-log.js";
import { createDebugLog, type DebugLog } from "../io/debug-log.js";
import { checkCacheLocation, type LocationState } from "../io/cache-location-check.js";
import type { FileStore } from "../io/file-store.js";
import type { SecretStore } from "../io/secret-store.js";
import {
  cacheLocation,
  chooseStore,
  keyringIndexPath,
  openFileStore,
  openSecretStore,
  usedSecretStoreBefore,
} from "./open-store.js";
import { warn, type Runtime } from "./runtime.js";

export type ManageCommand =
  | { readonly kind: "list"; readonly json: boolean }
  | { readonly kind: "status"; readonly json: boolean }
  | { readonly kind: "clear"; readonly keys: readonly string[] };

interface Row {
  readonly key: string;
  readonly store: "file" | "keyring";
  readonly entry: CacheEntry | undefined;
}

/**
 * kcc-cache --list / --clear / --status, over both stores: the cache file and, when the secret store
 * can be used now, the keyring entries named in its keys index. Nothing here prints a secret: rows
 * carry the key, the store, the time to expiry and the credential's kind.
 */
export async function manageCache(
  command: ManageCommand,
  runtime: Runtime,
  version: string,
): Promise<number> {
  const config = readCacheConfig(runtime.env);
  const debug = createDebugLog(config.debug, runtime.now(), runtime.now, runtime.stderr);
  const place = checkCacheLocation(cacheLocation(config, runtime), runtime.uid);
  const decision: StoreDecision =
    place.kind === "ok"
      ? await chooseStore(config, runtime)
      : { kind: "uncached", why: place.why, warn: false };
  const keyring = decision.kind === "keyring" ? await openSecretStore(config, runtime, debug) : undefined;
  const file = readFileState(openFileStore(config, runtime, debug), place);
  switch (command.kind) {
    case "list":
      return list(command.json, file, runtime, keyring);
    case "status":
      return status(command.json, config.backend, file, runtime, decision, keyring, version, {
        // The memory that keeps a gone secret store's credentials out of the plaintext file (auto mode).
        usedBefore: usedSecretStoreBefore(config, runtime),
        index: keyringIndexPath(config, runtime),
        // Background refreshes: the last one per key, from the log beside the cache (docs/background-refresh.md).
        background: lastBackgroundRecords(
          place.kind === "ok"
            ? readBackgroundLog(backgroundLogPath(cacheLocation(config, runtime).directory))
            : "",
        ),
      });
    case "clear":
      return clear(command.keys, file, runtime, decision, keyring, debug);
  }
}

async function list(
  json: boolean,
  file: FileState,
  runtime: Runtime,
  keyring: SecretStore | undefined,
): Promise<number> {
  const rows: Row[] = [];
  if (file.why !== undefined) warn(runtime, `${file.why}; listing no entries from it`);
  for (const [key, entry] of file.entries) rows.push({ key, store: "file", entry });
  for (const key of keyring?.keys() ?? [])
    rows.push({ key, store: "keyring", entry: await keyring?.get(key) });
  const now = runtime.now();
  if (json) {
    runtime.stdout(
      `${JSON.stringify(
        rows.map((row) => toJsonRow(row, now)),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (rows.length === 0) {
    runtime.stdout("no cached credentials\n");
    return 0;
  }
  const lines = rows.map((row) => [
    row.store,
    expiresIn(row.entry, now),
    row.entry?.kind ?? "unreadable",
    row.key,
  ]);
  const header = ["STORE", "EXPIRES IN", "TYPE", "KEY"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  );
  for (const line of [header, ...lines]) {
    runtime.stdout(
      `${line.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join("  ")}\n`,
    );
  }
  return 0;
}

async function clear(
  keys: readonly string[],
  file: FileState,
  runtime: Runtime,
  decision: StoreDecision,
  keyring: SecretStore | undefined,
  debug: DebugLog,
): Promise<number> {
  const wanted = new Set(keys);
  let removed = 0;
  if (file.state === "untrusted" || file.state === "off") {
    if (file.why !== undefined) warn(runtime, `${file.why}; the cache file was not changed`);
  } else if (file.state !== "missing" || file.leftovers > 0) {
    const doomed = [...file.entries.keys()].filter((key) => wanted.size === 0 || wanted.has(key));
    // A broken file is cleared by rewriting it empty; a healthy one loses only the named keys. Every
    // rewrite also removes leftover temporary copies (they hold tokens).
    if (doomed.length > 0 || (wanted.size === 0 && (file.state === "broken" || file.leftovers > 0))) {
      await file.store.replaceDocument((document) => {
        if (wanted.size === 0) return EMPTY_DOCUMENT;
        const entries = new Map(document.entries);
        for (const key of doomed) entries.delete(key);
        return { entries };
      });
      debug(`cache file rewritten`);
    }
    for (const key of doomed) {
      runtime.stdout(`removed (file): ${key}\n`);
      wanted.delete(key);
      removed += 1;
    }
  }
  if (keyring !== undefined) {
    const targets = keys.length === 0 ? keyring.keys() : keys.filter((key) => wanted.has(key));
    for (const key of targets) {
      if (await keyring.remove(key)) {
        runtime.stdout(`removed (keyring): ${key}\n`);
        wanted.delete(key);
        removed += 1;
      }
    }
  } else if (decision.kind === "uncached" && file.state !== "off" && file.state !== "untrusted") {
    warn(runtime, `keyring entries were not removed: ${decision.why}`);
  }
  for (const key of wanted) runtime.stderr(`kcc-cache: not cached: ${key}\n`);
  runtime.stdout(`${removed} ${removed === 1 ? "entry" : "entries"} removed\n`);
  // Nothing to clear is success when caching is off; a store that could not be cleared is not.
  return decision.kind === "uncached" && file.state !== "off" && keys.length === 0 ? 1 : 0;
}

function status(
  json: boolean,
  backend: string,
  file: FileState,
  runtime: Runtime,
  decision: StoreDecision,
  keyring: SecretStore | undefined,
  version: string,
  history: {
    readonly usedBefore: boolean;
    readonly index: string;
    readonly background: readonly BackgroundRecord[];
  },
): number {
  const backendSetting = runtime.env[ENV.backend];
  const report = {
    version,
    backend,
    backendSource: backendSetting === undefined || backendSetting === "" ? "default" : ENV.backend,
    store: decision.kind,
    why: decision.why,
    file: {
      path: file.path,
      state: file.state,
      entries: file.entries.size,
      leftoverTempFiles: file.leftovers,
      ...(file.why === undefined ? {} : { problem: file.why }),
    },
    keyring: keyring === undefined ? null : { location: keyring.location, entries: keyring.keys().length },
    secretStoreUsedBefore: history.usedBefore,
    keyringIndex: history.index,
    backgroundRefresh: history.background,
  };
  if (json) {
    runtime.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const leftovers =
    file.leftovers === 0
      ? ""
      : `, ${file.leftovers} leftover temporary ${file.leftovers === 1 ? "copy" : "copies"} holding credentials: removed by the next write or --clear`;
  const lines = [
    `kcc-cache ${version}`,
    `backend:  ${backend} (${report.backendSource === "default" ? `${ENV.backend} unset` : `${ENV.backend}=${backendSetting ?? ""}`})`,
    `store:    ${decision.kind === "uncached" ? "none (credentials are not cached)" : decision.kind} — ${decision.why}`,
    `file:     ${file.path} (${file.why === undefined ? file.state : `${file.state}: ${file.why}`}, ${file.entries.size} ${file.entries.size === 1 ? "entry" : "entries"}${leftovers})`,
    keyring === undefined
      ? "keyring:  not in use"
      : `keyring:  ${keyring.location} (${report.keyring?.entries ?? 0} ${report.keyring?.entries === 1 ? "entry" : "entries"})`,
    history.usedBefore
      ? `history:  this cache has kept credentials in a secret store (${history.index} exists): when none is usable, auto mode serves uncached instead of using the file`
      : "history:  this cache has never kept credentials in a secret store",
    ...(history.background.length === 0
      ? ["background refresh: none logged"]
      : [
          "background refresh (last per key):",
          ...history.background.map(
            (record) => `  ${record.at}  ${record.result}: ${record.why}  ${record.key}`,
          ),
        ]),
  ];
  runtime.stdout(`${lines.join("\n")}\n`);
  return 0;
}

/** The cache file as the file store judges it (the same rules as a hit), for the reports. */
interface FileState {
  readonly store: FileStore;
  readonly path: string;
  readonly state: "missing" | "ok" | "broken" | "untrusted" | "off";
  readonly why: string | undefined;
  readonly entries: ReadonlyMap<string, CacheEntry>;
  /** Temporary copies a killed writer left (they hold tokens). */
  readonly leftovers: number;
}

function readFileState(store: FileStore, place: LocationState): FileState {
  const common = { store, path: store.location, leftovers: leftoverTempFiles(store.location).length };
  if (place.kind !== "ok")
    return {
      ...common,
      state: place.kind === "off" ? "off" : "untrusted",
      why: place.why,
      entries: new Map(),
    };
  const read = store.read();
  switch (read.kind) {
    case "distrust":
      return { ...common, state: "untrusted", why: read.why, entries: new Map() };
    case "broken":
      return { ...common, state: "broken", why: read.why, entries: read.document.entries };
    case "missing":
    case "ok":
      return { ...common, state: read.kind, why: undefined, entries: read.document.entries };
  }
}

function expiresIn(entry: CacheEntry | undefined, now: number): string {
  if (entry === undefined) return "?";
  const left = entry.expiresAtMs - now;
  return left <= 0 ? "expired" : formatDuration(Math.floor(left / 1000) * 1000);
}

function toJsonRow(row: Row, now: number): Record<string, unknown> {
  return {
    key: row.key,
    store: row.store,
    type: row.entry?.kind ?? null,
    expiresAt: row.entry === undefined ? null : new Date(row.entry.expiresAtMs).toISOString(),
    expiresInSeconds: row.entry === undefined ? null : Math.floor((row.entry.expiresAtMs - now) / 1000),
  };
}
