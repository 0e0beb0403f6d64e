import { isRecord, parseJson } from "../json.js";
/**
 * The pure parts of refreshing ahead of expiry in the background (docs/background-refresh.md): how
 * kcc-cache recognises the detached copy of itself it starts, what that copy tells the plugin, and the
 * log it leaves for `--status`. Pure: times are arguments, nothing here touches the outside world.
 */

/**
 * KUBERNETES_EXEC_INFO as the background copy gives it to the plugin: the same document with
 * `spec.interactive` false, since nobody is there to answer a prompt. Unparsable or absent values are
 * passed on unchanged (the plugin got the same in the foreground; a script that calls kcc-cache
 * directly sets none, and inventing one would change what the plugin prints).
 */
export function nonInteractiveExecInfo(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return raw;
  const document = parseJson(raw);
  if (!isRecord(document)) return raw;
  const spec = document["spec"];
  const base = typeof spec === "object" && spec !== null && !Array.isArray(spec) ? spec : {};
  return JSON.stringify({ ...document, spec: { ...base, interactive: false } });
}

export type BackgroundResult = "refreshed" | "failed" | "skipped";

/**
 * One line of the background-refresh log. Never a secret: the cache key (whose secret parts are
 * already digests), times, the plugin's exit code and kcc-cache's own reasons. The plugin's stdout
 * (the credential) and stderr (uncontrolled text) are not logged.
 */
export interface BackgroundRecord {
  /** When the background refresh started (ISO 8601). */
  readonly at: string;
  readonly key: string;
  readonly result: BackgroundResult;
  readonly why: string;
  /** How long it took, in ms. */
  readonly ms: number;
  /** The new entry's expiry (refreshed only). */
  readonly expires?: string;
}

export function formatBackgroundRecord(record: BackgroundRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** The last record per key, in the order the keys were last seen; lines that are not records are skipped. */
export function lastBackgroundRecords(text: string): BackgroundRecord[] {
  const last = new Map<string, BackgroundRecord>();
  for (const line of text.split("\n")) {
    const record = parseRecord(line);
    if (record === undefined) continue;
    last.delete(record.key);
    last.set(record.key, record);
  }
  return [...last.values()];
}

function parseRecord(line: string): BackgroundRecord | undefined {
  if (line.trim() === "") return undefined;
  const value = parseJson(line);
  if (!isRecord(value)) return undefined;
  const { at, key, result, why, ms, expires } = value;
  if (typeof at !== "string" || typeof key !== "string" || typeof why !== "string") return undefined;
  if (result !== "refreshed" && result !== "failed" && result !== "skipped") return undefined;
  if (typeof ms !== "number") return undefined;
  return { at, key, result, why, ms, ...(typeof expires === "string" ? { expires } : {}) };
}
