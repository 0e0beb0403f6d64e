import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { binariesUnderTest } from "./binaries.js";
import { start, type RunResult, type StartedRun } from "./run.js";
import { missingCommands, skipOrFailUnderCi } from "./skip.js";
import { waitUntil } from "./wait.js";

/**
 * The windows-x64 binary under wine, in a private prefix (docs/windows.md, "How this is tested"). One
 * scene per test file: creating a prefix costs ~15 s, a call ~1 s.
 */
export interface WineScene {
  /** Scratch directory (Linux path), removed with the prefix; Windows sees it as windowsPath(dir). */
  readonly dir: string;
  /** The prefix's C: drive (Linux path). */
  readonly driveC: string;
  /** The Windows user's %LOCALAPPDATA%, as a Linux path. */
  readonly localAppData: string;
  /** Runs `<command>.exe args…` (kcc-cache or kcc-injector) under wine. */
  call(command: Command, args: readonly string[], options?: WineCallOptions): Promise<RunResult>;
  /** The same, without waiting (to race several calls). */
  startCall(command: Command, args: readonly string[], options?: WineCallOptions): StartedRun;
  /** A fake plugin (test/windows/fake-plugin.c) in a directory of its own, with `files` beside it. */
  writePlugin(name: string, files: Record<string, string>): WinePlugin;
}

type Command = "kcc-cache" | "kcc-injector";

/**
 * kcc-cache's one line for a plugin the OS would not start, with the error Windows reports where it
 * has no name for the cause (libuv's EUNKNOWN): wine's failure, not a plugin's. No test here expects
 * it; a test that did would have to call `run` itself.
 */
function wineFailedToStartProcess(result: RunResult): boolean {
  return result.code !== 0 && /could not be started: (EUNKNOWN|unknown error)/.test(result.stderr);
}

/**
 * A call, made once more if wine failed to start a process in it. Seen once in many CI runs, never
 * reproduced alone: wine's CreateProcess refusing to start cmd.exe for a .cmd plugin. Nothing ran and
 * nothing was cached, so the second attempt is the call; the test's own assertions judge its answer.
 * `child` is the attempt under way; `exited` and `result` are the last attempt's; `stderrSoFar` and
 * `stdoutSoFar` are both attempts' output.
 */
function startOnceMore(startAttempt: () => StartedRun): StartedRun {
  const first = startAttempt();
  let second: StartedRun | undefined;
  const result = first.result.then((answer) => {
    if (!wineFailedToStartProcess(answer)) return answer;
    process.stderr.write(`# wine could not start a process (${answer.stderr.trim()}); calling once more\n`);
    second = startAttempt();
    return second.result;
  });
  const exited = result.then(() => (second ?? first).exited);
  // Callers may only await one of the two; neither must become an unhandled rejection.
  result.catch(() => undefined);
  exited.catch(() => undefined);
  return {
    get child() {
      return (second ?? first).child;
    },
    exited,
    result,
    stderrSoFar: () => first.stderrSoFar() + (second?.stderrSoFar() ?? ""),
    stdoutSoFar: () => first.stdoutSoFar() + (second?.stdoutSoFar() ?? ""),
  };
}

interface WineCallOptions {
  /** Windows environment variables besides wine's own (Linux variables pass through into Windows). */
  readonly env?: Record<string, string>;
  /** Directories prepended to the Windows PATH (WINEPATH), as Windows paths. */
  readonly path?: readonly string[];
  /** The Linux directory the call starts in (wine maps it to a Z: path). */
  readonly cwd?: string;
}

interface WinePlugin {
  /** Its directory, as a Linux path. */
  readonly dir: string;
  /** Its directory, as Windows names it (Z:\…). */
  readonly windowsDir: string;
  /** How many runs have started. */
  runs(): number;
  /** Run n's arguments, as the plugin's C runtime read them. */
  args(n: number): string[];
  waitForRuns(n: number): Promise<void>;
}

/** wine maps the Linux root to Z:. */
export function windowsPath(linuxPath: string): string {
  return `Z:${linuxPath.replaceAll("/", "\\")}`;
}

const REQUIRED = ["wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc"];
const WINDOWS_BINARY = "kube-credential-cache-windows-x64.exe";
const SOURCES = join(__dirname, "..", "..", "windows");

/**
 * What running the Windows binary here needs; missing: skipped with the reason, or a failure under
 * CI, which installs wine and MinGW (.ci/run). Undefined when the test cannot run.
 */
export function wineRequirements(t: TestContext): { binary: string } | undefined {
  const dir = binariesUnderTest(t);
  if (dir === undefined) return undefined;
  const missing = missingCommands(REQUIRED);
  if (missing.length > 0) {
    skipOrFailUnderCi(
      t,
      `cannot run the windows-x64 binary here (missing ${missing.join(", ")}; apt-get install wine wine64 gcc-mingw-w64-x86-64-win32)`,
    );
    return undefined;
  }
  const binary = join(dir, WINDOWS_BINARY);
  if (!existsSync(binary)) {
    skipOrFailUnderCi(t, `${binary} is missing (npm run build:bin -- linux-x64 windows-x64)`);
    return undefined;
  }
  return { binary };
}

/**
 * A fresh prefix with the test-only bcryptprimitives.dll that bun's runtime needs and wine 8 lacks
 * (test/windows/bcryptprimitives.c), and the binary as both commands. `dispose` stops the prefix's
 * wineserver (and with it any process left in it) and removes everything.
 */
export function createWineScene(binary: string): { scene: WineScene; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "kcc-wine-"));
  const prefix = join(dir, "prefix");
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const base: Record<string, string> = {
    // wine finds its own helpers on the Linux PATH; the Windows PATH is the prefix's, plus WINEPATH.
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: dir,
    WINEPREFIX: prefix,
    WINEDEBUG: "-all",
    // No Mono or Gecko installer prompts while the prefix is created.
    WINEDLLOVERRIDES: "mscoree,mshtml=",
    LANG: "C.UTF-8",
  };
  const dispose = (): void => {
    spawnSync("wineserver", ["-k"], { env: base });
    spawnSync("wineserver", ["-w"], { env: base, timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // A wineserver that stays until dispose: one that quits between calls (after 3 s idle) makes the
    // next call start it again and reload the prefix, seconds on a busy machine.
    mkdirSync(prefix);
    execFileSync("wineserver", ["-p"], { env: base, stdio: "ignore" });
    execFileSync("wineboot", ["-i"], { env: base, stdio: "ignore", timeout: 180_000 });
    const system32 = join(prefix, "drive_c", "windows", "system32");
    compile(
      ["-shared", "-O2", "-o", join(system32, "bcryptprimitives.dll")],
      ["bcryptprimitives.c", "bcryptprimitives.def"],
      ["-ladvapi32"],
    );
    compile(["-municode", "-O2", "-o", join(bin, "fake-plugin.exe")], ["fake-plugin.c"], []);
    for (const command of ["kcc-cache", "kcc-injector"]) copyFileSync(binary, join(bin, `${command}.exe`));
  } catch (error) {
    dispose();
    throw error;
  }

  const driveC = join(prefix, "drive_c");
  const options = (
    call: WineCallOptions,
  ): { env: Record<string, string>; cwd: string; timeoutMs: number } => ({
    env: {
      ...base,
      ...(call.path === undefined ? {} : { WINEPATH: call.path.join(";") }),
      ...call.env,
    },
    cwd: call.cwd ?? dir,
    // A hang guard, not a measure: a cold wine start on a busy 2-core machine takes seconds.
    timeoutMs: 120_000,
  });
  const argv = (command: Command, args: readonly string[]): string[] => [
    join(bin, `${command}.exe`),
    ...args,
  ];
  let plugins = 0;
  const scene: WineScene = {
    dir,
    driveC,
    localAppData: join(driveC, "users", userInfo().username, "AppData", "Local"),
    call: (command, args, call = {}) => scene.startCall(command, args, call).result,
    startCall: (command, args, call = {}) =>
      startOnceMore(() => start("wine", argv(command, args), options(call))),
    writePlugin(name, files) {
      // A space in every plugin's path: the .cmd's own path is quoted on cmd.exe's line too.
      const pluginDir = join(dir, "plugins", `${String((plugins += 1))} ${name}`);
      mkdirSync(pluginDir, { recursive: true });
      copyFileSync(join(bin, "fake-plugin.exe"), join(pluginDir, "fake-plugin.exe"));
      for (const [file, content] of Object.entries(files)) writeFileSync(join(pluginDir, file), content);
      const runs = (): number =>
        existsSync(join(pluginDir, "runs"))
          ? readFileSync(join(pluginDir, "runs"), "utf8").split("\n").length - 1
          : 0;
      return {
        dir: pluginDir,
        windowsDir: windowsPath(pluginDir),
        runs,
        args: (n) => {
          const recorded = readFileSync(join(pluginDir, `args.${n}`), "utf8");
          return recorded === "" ? [] : recorded.slice(0, -1).split("\0");
        },
        waitForRuns: (n) => waitUntil(() => runs() >= n, `${name} has run ${n} time(s)`, 120_000),
      };
    },
  };
  return { scene, dispose };
}

function compile(flags: readonly string[], sources: readonly string[], libraries: readonly string[]): void {
  execFileSync(
    "x86_64-w64-mingw32-gcc",
    [...flags, ...sources.map((source) => join(SOURCES, source)), ...libraries],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}

/** A batch file's text: CRLF line ends, as Windows editors write them. */
export function batchFile(lines: readonly string[]): string {
  return lines.map((line) => `${line}\r\n`).join("");
}
