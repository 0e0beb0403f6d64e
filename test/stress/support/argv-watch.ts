import { readdirSync, readFileSync } from "node:fs";

export interface SeenProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
}

/**
 * Polls /proc as fast as it can and remembers every process it sees (PID, parent, argv), so that the
 * command lines of short-lived children can be checked afterwards. `descendants()` keeps those whose
 * parent chain leads to this test process; the plugins also record their parents' command lines
 * themselves, which no poll can miss.
 */
export function watchArgv(): { stop(): Promise<SeenProcess[]> } {
  const seen = new Map<string, SeenProcess>();
  let running = true;
  const loop = (async () => {
    while (running) {
      let names: string[];
      try {
        names = readdirSync("/proc");
      } catch {
        return;
      }
      for (const name of names) {
        if (!/^\d+$/.test(name)) continue;
        try {
          const stat = readFileSync(`/proc/${name}/stat`, "latin1");
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          const id = `${name}:${fields[19] ?? ""}`;
          if (seen.has(id)) continue;
          const argv = readFileSync(`/proc/${name}/cmdline`, "latin1").split("\0").filter(Boolean);
          seen.set(id, { pid: Number(name), ppid: Number(fields[1]), argv });
        } catch {
          // Gone meanwhile.
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const all = [...seen.values()];
      const byPid = new Map(all.map((p) => [p.pid, p]));
      return all.filter((p) => {
        for (let at: SeenProcess | undefined = p, hops = 0; at !== undefined && hops < 64; hops += 1) {
          if (at.ppid === process.pid) return true;
          at = byPid.get(at.ppid);
        }
        return false;
      });
    },
  };
}
