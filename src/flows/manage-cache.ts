import { readFileSync } from "node:fs";
import type { StoreDecision } from "../core/backend-choice.js";
import type { CacheEntry } from "../core/cache-entry.js";
import { EMPTY_DOCUMENT, parseCacheDocument } from "../core/cache-document.js";
import { ENV, readCacheConfig, type CacheConfig } from "../core/config.js";
import { formatDuration } from "../core/duration.js";
import { createDebugLog } from "../io/debug-log.js";
import type { SecretStore } from "../io/secret-store.js";
import {
  cacheFilePath,
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
  const debug = createDebugLog(config.debug, runtime.now(), runtime.now);
  const decision = await chooseStore(config, runtime);
  const keyring = decision.kind === "keyring" ? await openSecretStore(config, runtime, debug) : undefined;
  switch (command.kind) {
    case "list":
      return list(command.json, config, runtime, keyring);
    case "status":
      return status(command.json, config, runtime, decision, keyring, version);
    case "clear":
      return clear(command.keys, config, runtime, decision, keyring);
  }
}

async function list(
  json: boolean,
  config: CacheConfig,
  runtime: Runtime,
  keyring: SecretStore | undefined,
): Promise<number> {
  const rows: Row[] = [];
  const file = readFileState(cacheFilePath(config, runtime));
  if (file.state === "broken")
    warn(runtime, `cache file ${file.path} is broken (${file.why}); listing it as empty`);
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
  config: CacheConfig,
  runtime: Runtime,
  decision: StoreDecision,
  keyring: SecretStore | undefined,
): Promise<number> {
  const fileStore = openFileStore(config, runtime);
  const file = readFileState(fileStore.location);
  const wanted = new Set(keys);
  let removed = 0;
  if (file.state !== "missing") {
    const doomed = [...file.entries.keys()].filter((key) => wanted.size === 0 || wanted.has(key));
    // A broken file is cleared by rewriting it empty; a healthy one loses only the named keys.
    if (doomed.length > 0 || (wanted.size === 0 && file.state === "broken")) {
      await fileStore.replaceDocument((document) => {
        if (wanted.size === 0) return EMPTY_DOCUMENT;
        const entries = new Map(document.entries);
        for (const key of doomed) entries.delete(key);
        return { entries };
      });
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
  } else if (decision.kind === "uncached") {
    warn(runtime, `keyring entries were not removed: ${decision.why}`);
  }
  for (const key of wanted) runtime.stderr(`kcc-cache: not cached: ${key}\n`);
  runtime.stdout(`${removed} ${removed === 1 ? "entry" : "entries"} removed\n`);
  return decision.kind === "uncached" && keys.length === 0 ? 1 : 0;
}

function status(
  json: boolean,
  config: CacheConfig,
  runtime: Runtime,
  decision: StoreDecision,
  keyring: SecretStore | undefined,
  version: string,
): number {
  const file = readFileState(cacheFilePath(config, runtime));
  const backendSetting = runtime.env[ENV.backend];
  // The memory that keeps a gone secret store's credentials out of the plaintext file (auto mode).
  const usedBefore = usedSecretStoreBefore(config, runtime);
  const report = {
    version,
    backend: config.backend,
    backendSource: backendSetting === undefined || backendSetting === "" ? "default" : ENV.backend,
    store: decision.kind,
    why: decision.why,
    file: {
      path: file.path,
      state: file.state,
      entries: file.entries.size,
      ...(file.state === "broken" ? { problem: file.why } : {}),
    },
    keyring: keyring === undefined ? null : { location: keyring.location, entries: keyring.keys().length },
    secretStoreUsedBefore: usedBefore,
    keyringIndex: keyringIndexPath(config, runtime),
  };
  if (json) {
    runtime.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `kcc-cache ${version}`,
    `backend:  ${config.backend} (${report.backendSource === "default" ? `${ENV.backend} unset` : `${ENV.backend}=${backendSetting ?? ""}`})`,
    `store:    ${decision.kind === "uncached" ? "none (credentials are not cached)" : decision.kind} — ${decision.why}`,
    `file:     ${file.path} (${file.state === "broken" ? `broken: ${file.why}` : file.state}, ${file.entries.size} ${file.entries.size === 1 ? "entry" : "entries"})`,
    keyring === undefined
      ? "keyring:  not in use"
      : `keyring:  ${keyring.location} (${report.keyring?.entries ?? 0} ${report.keyring?.entries === 1 ? "entry" : "entries"})`,
    usedBefore
      ? `history:  this cache has kept credentials in a secret store (${report.keyringIndex} exists): when none is usable, auto mode serves uncached instead of using the file`
      : "history:  this cache has never kept credentials in a secret store",
  ];
  runtime.stdout(`${lines.join("\n")}\n`);
  return 0;
}

type FileState =
  | {
      readonly path: string;
      readonly state: "missing" | "ok" | "unreadable";
      readonly entries: ReadonlyMap<string, CacheEntry>;
    }
  | {
      readonly path: string;
      readonly state: "broken";
      readonly why: string;
      readonly entries: ReadonlyMap<string, CacheEntry>;
    };

function readFileState(path: string): FileState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return { path, state: missing ? "missing" : "unreadable", entries: new Map() };
  }
  const read = parseCacheDocument(text);
  return read.state === "broken"
    ? { path, state: "broken", why: read.why.replace(/\s+/g, " ").trim(), entries: read.document.entries }
    : { path, state: "ok", entries: read.document.entries };
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
