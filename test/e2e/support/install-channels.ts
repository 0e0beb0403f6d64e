// Runs the install channels' shell scripts as their users do: install.sh with `sh`, the asdf plugin's
// bin/ scripts directly with asdf's variables, each in a private HOME and TMPDIR, with a `uname` on
// PATH that names the platform a test wants.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestContext } from "node:test";
import { shq } from "./fake-plugin.js";
import { start, type RunResult, type StartedRun } from "./run.js";

const ROOT = resolve(__dirname, "..", "..", "..");

export type ChannelEnv = Record<string, string> & { HOME: string; TMPDIR: string; PATH: string };

// What the scripts run, for a PATH made of these alone (to leave curl or sha256sum out).
const TOOLS = [
  "sh",
  "uname",
  "mktemp",
  "tar",
  "gzip",
  "awk",
  "grep",
  "sed",
  "cut",
  "tail",
  "mkdir",
  "cp",
  "ln",
  "chmod",
  "mv",
  "rm",
  "cat",
  "dirname",
  "curl",
  "wget",
  "sha256sum",
  "shasum",
  "git",
];

function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

export function which(command: string): string {
  const found = spawnSync("sh", ["-c", 'command -v "$0"', command], { encoding: "utf8" });
  assert.equal(found.status, 0, `${command} is on PATH`);
  return found.stdout.trim();
}

/** A directory holding only `uname`, which reports this OS (-s) and machine (-m) and passes the rest on. */
export function unameShim(t: TestContext, os: string, machine: string): string {
  const dir = tempDir(t, "kcc-uname-");
  const script = [
    "#!/bin/sh",
    'case "$*" in',
    `  -s) echo ${shq(os)} ;;`,
    `  -m) echo ${shq(machine)} ;;`,
    `  *) exec ${shq(which("uname"))} "$@" ;;`,
    "esac",
    "",
  ].join("\n");
  writeFileSync(join(dir, "uname"), script, { mode: 0o755 });
  chmodSync(join(dir, "uname"), 0o755);
  return dir;
}

/**
 * Puts into the shim directory `dir` (first on PATH) a `command` that runs the shell code `action`, with
 * the call's last argument in $dest, when that argument matches the shell pattern `destination`, and
 * the real command otherwise: a copy that fails part-way or is interrupted, a rename that fails.
 */
export function interceptCommand(dir: string, command: string, destination: string, action: string): void {
  const script = [
    "#!/bin/sh",
    "for dest; do :; done",
    'case "$dest" in',
    `  ${destination}) ${action} ;;`,
    "esac",
    `exec ${shq(which(command))} "$@"`,
    "",
  ].join("\n");
  writeFileSync(join(dir, command), script, { mode: 0o755 });
  chmodSync(join(dir, command), 0o755);
}

/**
 * HOME and TMPDIR of their own, PATH = the `uname` shim (if any) first, then the system's (or, with `without`, only
 * links to the tools the scripts use, those left out), and the releases URL the channels read.
 */
export function installChannelEnv(
  t: TestContext,
  releasesUrl: string,
  shim: string | undefined,
  options: { without?: readonly string[] } = {},
): ChannelEnv {
  const dir = tempDir(t, "kcc-channel-");
  const home = join(dir, "home");
  const temp = join(dir, "tmp");
  mkdirSync(home);
  mkdirSync(temp);
  const system = process.env["PATH"] ?? "/usr/bin:/bin";
  let path = shim === undefined ? system : `${shim}:${system}`;
  if (options.without !== undefined) {
    const tools = join(dir, "tools");
    mkdirSync(tools);
    for (const tool of TOOLS.filter((name) => !options.without?.includes(name) && name !== "uname")) {
      symlinkSync(which(tool), join(tools, tool));
    }
    path = shim === undefined ? tools : `${shim}:${tools}`;
  }
  return { HOME: home, TMPDIR: temp, PATH: path, LANG: "C", KUBE_CREDENTIAL_CACHE_RELEASE_URL: releasesUrl };
}

export function runInstallSh(args: readonly string[], env: Record<string, string>): Promise<RunResult> {
  return startInstallSh(args, env).result;
}

/** install.sh, started without waiting for it, for a test that acts while it runs. */
export function startInstallSh(args: readonly string[], env: Record<string, string>): StartedRun {
  return start("sh", [join(ROOT, "install.sh"), ...args], { env, timeoutMs: 300_000 });
}

type AsdfScript = "list-all" | "download" | "install";

/** One of the asdf plugin's scripts, executed directly as asdf executes them. */
export function runAsdf(script: AsdfScript, env: Record<string, string>): Promise<RunResult> {
  return startAsdf(script, env).result;
}

/** One of the asdf plugin's scripts, started without waiting for it. */
export function startAsdf(script: AsdfScript, env: Record<string, string>): StartedRun {
  return start(join(ROOT, "bin", script), [], { env, timeoutMs: 300_000 });
}

/** The directory holds neither command (nor a staged copy of one), or does not exist. */
export function nothingInstalled(dir: string): void {
  if (!existsSync(dir)) return;
  assert.deepEqual(readdirSync(dir), [], `${dir} is empty`);
}
