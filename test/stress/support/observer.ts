import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive, ownerOf } from "./processes.js";

/** Each key's entry as one look at the store saw it: key number → expiry (ms). */
export type Sighting = ReadonlyMap<number, number>;

export interface ObserverOptions {
  /** Files that must parse as JSON whenever they can be read (the cache file, the keyring index). */
  readonly jsonFiles: readonly string[];
  /** Reads the entries out of `jsonFiles[0]`'s text (file store), if that is where they are. */
  readonly entriesInFile?: (text: string) => Sighting;
  /** Otherwise asks the store (keyring: `kcc-cache --list --json`); undefined when the look failed. */
  readonly entriesByCommand?: () => Promise<Sighting | undefined>;
  /** Where lock and temporary files appear. */
  readonly leftoverDirectories: readonly string[];
  /** How long a lock or temp file may outlive its owner (docs/locks.md), slack for a loaded machine included. */
  readonly outliveBoundMs: number;
}

export interface Observations {
  readonly reads: number;
  readonly sightings: number;
  readonly violations: readonly string[];
}

/**
 * Watches the store while the load runs, as fast as it can: every read parses, an entry once seen is
 * seen again until it expires (kcc-cache prunes only expired entries, so a missing unexpired one was
 * lost), and no lock or temp file stays more than the bound after its owner died. Time is the
 * observer's own clock, the same one kcc-cache reads; an entry is required only when the look
 * ended before its expiry.
 */
export function startObserver(options: ObserverOptions): { stop(): Promise<Observations> } {
  const violations: string[] = [];
  const mustExistUntil = new Map<number, number>();
  const deadSince = new Map<string, number>();
  const reported = new Set<string>();
  let reads = 0;
  let sightings = 0;
  let running = true;

  const see = (sighting: Sighting, lookEndedAt: number): void => {
    sightings += 1;
    for (const [key, until] of mustExistUntil) {
      if (until > lookEndedAt && !sighting.has(key))
        violations.push(`key ${key}'s entry, valid until ${new Date(until).toISOString()}, was lost`);
    }
    for (const [key, expiresAt] of sighting)
      mustExistUntil.set(key, Math.max(expiresAt, mustExistUntil.get(key) ?? 0));
  };

  const lookAtFiles = (): void => {
    for (const [index, file] of options.jsonFiles.entries()) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue; // Not there yet (or between a prune and a write): nothing to parse.
      }
      reads += 1;
      try {
        JSON.parse(text);
      } catch {
        violations.push(`${file} did not parse (${text.length} bytes)`);
        continue;
      }
      if (index === 0 && options.entriesInFile !== undefined) see(options.entriesInFile(text), Date.now());
    }
  };

  const lookAtLeftovers = (): void => {
    const now = Date.now();
    for (const directory of options.leftoverDirectories) {
      let names: string[];
      try {
        names = readdirSync(directory);
      } catch {
        continue;
      }
      for (const name of names.filter((n) => n.endsWith(".lock") || n.endsWith(".tmp"))) {
        const path = join(directory, name);
        const owner = ownerOf(directory, name);
        if (owner === undefined || isAlive(owner)) continue;
        // By path and owner: the same lock path taken again by a live process starts afresh.
        const id = `${path} ${owner}`;
        const since = deadSince.get(id) ?? now;
        deadSince.set(id, since);
        if (now - since > options.outliveBoundMs && !reported.has(id)) {
          reported.add(id);
          violations.push(
            `${name} outlived its owner (pid ${owner}) by more than ${options.outliveBoundMs} ms`,
          );
        }
      }
    }
  };

  const fileLoop = (async () => {
    while (running) {
      lookAtFiles();
      lookAtLeftovers();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const commandLoop = (async () => {
    const ask = options.entriesByCommand;
    if (ask === undefined) return;
    while (running) {
      const sighting = await ask();
      if (sighting !== undefined) see(sighting, Date.now());
    }
  })();

  return {
    async stop() {
      running = false;
      await Promise.all([fileLoop, commandLoop]);
      return { reads, sightings, violations };
    },
  };
}
