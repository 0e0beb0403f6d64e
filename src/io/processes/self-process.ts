import type { Env } from "../../core/config.js";

/**
 * How to run this same kcc-cache again: from the npm package, Node plus the bundle (and any Node
 * options it was started with); from a standalone binary, the binary alone. bun's compiled binaries
 * report the embedded entry as argv[1] (`/$bunfs/root/…`, `B:/~BUN/root/…` on Windows), a path that
 * exists only inside the binary, and process.execPath is the binary itself, links resolved: it may be
 * named for neither command (core/command-choice.ts), so the copy is started under the name
 * `kcc-cache` (argv[0]), which the binary obeys whatever its file is called.
 */
export function selfCommand(): {
  readonly file: string;
  readonly prefix: readonly string[];
  readonly argv0: string | undefined;
} {
  const script = process.argv[1];
  const compiled = script === undefined || /^(\/\$bunfs\/|[A-Za-z]:[\\/]~BUN[\\/])/.test(script);
  return compiled
    ? { file: process.execPath, prefix: [], argv0: "kcc-cache" }
    : { file: process.execPath, prefix: [...process.execArgv, script], argv0: undefined };
}

/** The part of bun's own spawn API used here (bun's types are not a dependency of this package). */
interface BunRuntime {
  spawn(
    command: string[],
    options: {
      stdio: ["ignore", "ignore", "ignore"];
      detached: true;
      env: Env;
      windowsHide: true;
      argv0?: string;
    },
  ): { readonly pid: number; unref(): void };
}

/**
 * Starts a process that outlives this one and holds nothing of it: its own session (no controlling
 * terminal, no signals from ours), stdin, stdout and stderr on the null device (kubectl reads our
 * stdout to EOF, so a child holding that pipe would make kubectl wait for it), and not waited for.
 * Returns its PID (undefined if it could not be started).
 *
 * The standalone binary starts it with bun's native spawn: node:child_process in bun is a module
 * loaded on first use, and the hit that starts a background refresh pays for it while kubectl waits
 * (docs/background-refresh.md measures both).
 */
export async function spawnDetached(
  file: string,
  args: readonly string[],
  env: Env,
  argv0?: string,
): Promise<number | undefined> {
  const bun = (globalThis as { Bun?: BunRuntime }).Bun;
  if (bun !== undefined) {
    try {
      const child = bun.spawn([file, ...args], {
        stdio: ["ignore", "ignore", "ignore"],
        detached: true,
        env: { ...env },
        windowsHide: true,
        ...(argv0 === undefined ? {} : { argv0 }),
      });
      child.unref();
      return child.pid;
    } catch {
      // bun reports a start failure (ENOENT, EACCES) by throwing; the serving call must not fail.
      return undefined;
    }
  }
  const { spawn } = await import("node:child_process");
  const child = spawn(file, args, {
    detached: true,
    stdio: "ignore",
    env: { ...env },
    windowsHide: true,
    ...(argv0 === undefined ? {} : { argv0 }),
  });
  // A start failure arrives as an event after we have returned; it must not crash the serving process.
  child.on("error", () => undefined);
  child.unref();
  return child.pid;
}

/** Runs this same kcc-cache again with `args`, detached (see selfCommand and spawnDetached). */
export function startDetachedCopy(args: readonly string[], env: Env): Promise<number | undefined> {
  const self = selfCommand();
  return spawnDetached(self.file, [...self.prefix, ...args], env, self.argv0);
}
