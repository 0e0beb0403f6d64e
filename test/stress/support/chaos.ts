import { readdirSync } from "node:fs";
import { ownerOf, sandboxProcesses } from "./processes.js";
import type { Random } from "./random.js";

interface ChaosCounts {
  /** By what the victim was doing: holding a lock, writing a temp file, running a plugin, anything. */
  readonly kills: Record<string, number>;
}

export interface Chaos {
  stop(): Promise<ChaosCounts>;
}

export interface ChaosTarget {
  readonly binDir: string;
  readonly kccCache: string;
  /** Directories whose `*.lock` files name their holders (the cache dir, its locks/). */
  readonly lockDirectories: readonly string[];
}

/**
 * Every few milliseconds (a random pause), `kill -9`s one process working for the sandbox: a lock
 * holder or a writer caught mid-write when there is one (half the time), otherwise any kcc-cache or
 * plugin. This is the load, not a wait: nothing is asserted on when a kill lands.
 */
export function startChaos(target: ChaosTarget, random: Random, pauseMs: [number, number]): Chaos {
  const kills: Record<string, number> = {};
  let running = true;
  const count = (kind: string): void => {
    kills[kind] = (kills[kind] ?? 0) + 1;
  };
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, random.int(pauseMs[0], pauseMs[1])));
      if (!running) break;
      const processes = sandboxProcesses(target.binDir, target.kccCache);
      if (processes.length === 0) continue;
      const holders = new Set(target.lockDirectories.flatMap(lockHolders));
      const special = processes.filter((p) => p.writing || holders.has(p.pid));
      const victim =
        special.length > 0 && random.next() < 0.5 ? random.pick(special) : random.pick(processes);
      if (victim === undefined) continue;
      try {
        process.kill(victim.pid, "SIGKILL");
      } catch {
        continue; // Exited meanwhile.
      }
      count(
        victim.writing
          ? `${victim.role} mid-write`
          : holders.has(victim.pid)
            ? `${victim.role} holding a lock`
            : victim.role,
      );
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { kills };
    },
  };
}

function lockHolders(directory: string): number[] {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(".lock"))
    .map((name) => ownerOf(directory, name))
    .filter((pid): pid is number => pid !== undefined);
}
