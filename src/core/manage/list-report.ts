import type { CacheEntry } from "../cache/cache-entry.js";
import { formatDuration } from "../duration.js";

/** One cached credential as --list shows it: where and until when, never the credential itself. */
export interface ListRow {
  readonly key: string;
  readonly store: "file" | "keyring";
  /** Undefined where the store names a key whose value cannot be read. */
  readonly entry: CacheEntry | undefined;
}

const HEADER = ["STORE", "EXPIRES IN", "TYPE", "KEY"] as const;

/** `kcc-cache --list [--json]`: a table padded to its widest cells (the key, last, is not), or JSON. */
export function renderList(rows: readonly ListRow[], nowMs: number, json: boolean): string {
  if (json)
    return `${JSON.stringify(
      rows.map((row) => listJsonRow(row, nowMs)),
      null,
      2,
    )}\n`;
  if (rows.length === 0) return "no cached credentials\n";
  const lines = rows.map((row) => [
    row.store,
    expiresIn(row.entry, nowMs),
    row.entry?.kind ?? "unreadable",
    row.key,
  ]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  );
  return [HEADER, ...lines]
    .map(
      (line) =>
        `${line.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join("  ")}\n`,
    )
    .join("");
}

/** Time left, in whole seconds; "expired" once none is; "?" for an unreadable entry. */
export function expiresIn(entry: CacheEntry | undefined, nowMs: number): string {
  if (entry === undefined) return "?";
  const left = entry.expiresAtMs - nowMs;
  return left <= 0 ? "expired" : formatDuration(Math.floor(left / 1000) * 1000);
}

function listJsonRow(row: ListRow, nowMs: number): Record<string, unknown> {
  return {
    key: row.key,
    store: row.store,
    type: row.entry?.kind ?? null,
    expiresAt: row.entry === undefined ? null : new Date(row.entry.expiresAtMs).toISOString(),
    expiresInSeconds: row.entry === undefined ? null : Math.floor((row.entry.expiresAtMs - nowMs) / 1000),
  };
}
