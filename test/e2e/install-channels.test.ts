// The install channels beside npm, run for real against a release made by `npm run release` and served
// from 127.0.0.1: install.sh, the asdf plugin's bin/ scripts (run as asdf runs them, with its
// ASDF_* variables; asdf itself is not packaged here) and the aqua registry entry. These tests use a
// release of stand-in binaries and pin the platform with a `uname` on PATH; the binary pass
// (install-channels-binaries.test.ts) installs the real linux binaries and has them answer a hit.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { parse } from "yaml";
import {
  COMMANDS,
  TARGETS,
  archiveFormat,
  archiveName,
  builtBinaryName,
  type Target,
} from "../../scripts/release-targets.js";
import { shq } from "./support/fake-plugin.js";
import {
  installChannelEnv,
  interceptCommand,
  nothingInstalled,
  runAsdf,
  runInstallSh,
  startAsdf,
  startInstallSh,
  unameShim,
  type ChannelEnv,
} from "./support/install-channels.js";
import {
  VERSION,
  makeBinDirectory,
  makeRelease,
  publishRepository,
  standInBytes,
  startReleaseServer,
  type ReleaseServer,
} from "./support/release-server.js";
import type { StartedRun } from "./support/run.js";
import { missingCommands, skipOrFailUnderCi } from "./support/skip.js";
import { waitUntil } from "./support/wait.js";

const ROOT = resolve(__dirname, "..", "..");
const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

let dir = "";
let release = "";
let server: ReleaseServer | undefined;
let missing: string[] = [];

before(async () => {
  missing = missingCommands(["tar", "zip", "unzip", "npm", "git", "curl", "wget", "sha256sum", "shasum"]);
  if (missing.length > 0) return;
  dir = mkdtempSync(join(tmpdir(), "kcc-channels-"));
  release = makeRelease(dir, makeBinDirectory(dir));
  server = await startReleaseServer(dir);
  server.publish("good", release);
});

after(async () => {
  await server?.close();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

/** The shared server, or undefined when a tool is missing (skipped with the reason; a failure under CI). */
function ready(t: TestContext): ReleaseServer | undefined {
  if (server !== undefined) return server;
  skipOrFailUnderCi(t, `the install channels' tests need ${missing.join(", ")} on PATH`);
  return undefined;
}

function assertInstalled(into: string, target: Target): void {
  assert.deepEqual(readdirSync(into).sort(), [...COMMANDS]);
  for (const command of COMMANDS) {
    const file = join(into, command);
    assert.deepEqual(readFileSync(file), standInBytes(builtBinaryName(command, target)), `${file} content`);
    assert.equal(statSync(file).mode & 0o777, 0o755, `${file} mode`);
  }
}

const PLATFORMS: readonly { uname: [string, string]; target: Target }[] = [
  { uname: ["Linux", "x86_64"], target: { os: "linux", arch: "x64" } },
  { uname: ["Linux", "amd64"], target: { os: "linux", arch: "x64" } },
  { uname: ["Linux", "aarch64"], target: { os: "linux", arch: "arm64" } },
  { uname: ["Darwin", "x86_64"], target: { os: "darwin", arch: "x64" } },
  { uname: ["Darwin", "arm64"], target: { os: "darwin", arch: "arm64" } },
];

test("install.sh installs both commands of this machine's archive, for a version and for the latest release", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  for (const { uname, target } of PLATFORMS) {
    const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, ...uname));
    for (const args of [["--version", VERSION], ["--version", `v${VERSION}`], []]) {
      const into = join(env.HOME, "bin");
      const result = await runInstallSh([...args, into], env);
      assert.equal(result.code, 0, result.stderr);
      const what = args.length === 0 ? "the latest release" : `version ${VERSION}`;
      const asset = archiveName(target).replace(".tar.gz", "");
      assert.equal(
        result.stdout,
        `installed kcc-cache and kcc-injector (${what}, ${asset}) into ${into}; add ${into} to PATH to use them\n`,
      );
      assert.equal(result.stderr, "");
      assertInstalled(into, target);
      assert.deepEqual(readdirSync(env.TMPDIR), [], "the download directory is removed");
      rmSync(into, { recursive: true });
    }
  }
});

test("install.sh defaults to ~/.local/bin and replaces an installed pair", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, "Linux", "x86_64"));
  const into = join(env.HOME, ".local", "bin");
  for (let round = 0; round < 2; round++) {
    const result = await runInstallSh([], { ...env, PATH: `${into}:${env.PATH}` });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^installed kcc-cache and kcc-injector .* into ${into}\\n$`));
    assertInstalled(into, { os: "linux", arch: "x64" });
  }
});

test("install.sh works with wget and shasum when curl and sha256sum are missing", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, "Darwin", "arm64"), {
    without: ["curl", "sha256sum"],
  });
  const into = join(env.HOME, "bin");
  const result = await runInstallSh(["--version", VERSION, into], env);
  assert.equal(result.code, 0, result.stderr);
  assertInstalled(into, { os: "darwin", arch: "arm64" });
});

test("the asdf plugin's download and install put both commands in ASDF_INSTALL_PATH/bin", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  for (const { uname, target } of PLATFORMS) {
    const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, ...uname));
    const asdf = {
      ASDF_INSTALL_TYPE: "version",
      ASDF_INSTALL_VERSION: VERSION,
      ASDF_INSTALL_PATH: join(env.HOME, "installs", VERSION),
      ASDF_DOWNLOAD_PATH: join(env.HOME, "downloads", VERSION),
    };
    const download = await runAsdf("download", { ...env, ...asdf });
    assert.equal(download.code, 0, download.stderr);
    assert.deepEqual(readdirSync(asdf.ASDF_DOWNLOAD_PATH).sort(), ["checksums.txt", archiveName(target)]);
    const install = await runAsdf("install", { ...env, ...asdf });
    assert.equal(install.code, 0, install.stderr);
    assert.equal(
      install.stdout,
      `installed kcc-cache and kcc-injector ${VERSION} (${archiveName(target).replace(".tar.gz", "")}) into ${asdf.ASDF_INSTALL_PATH}/bin\n`,
    );
    assertInstalled(join(asdf.ASDF_INSTALL_PATH, "bin"), target);
    assert.deepEqual(readdirSync(env.TMPDIR), []);

    // Without a separate download step (as older asdf runs it), install downloads by itself.
    const alone = { ...asdf, ASDF_INSTALL_PATH: join(env.HOME, "alone"), ASDF_DOWNLOAD_PATH: "" };
    const installAlone = await runAsdf("install", { ...env, ...alone });
    assert.equal(installAlone.code, 0, installAlone.stderr);
    assertInstalled(join(alone.ASDF_INSTALL_PATH, "bin"), target);
    assert.deepEqual(readdirSync(env.TMPDIR), []);
  }
});

test("a tampered archive or a missing checksum line is refused with one line, and nothing is installed", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const asset = archiveName({ os: "linux", arch: "x64" });
  const original = readFileSync(join(release, asset));
  const tampered = Buffer.from(original);
  const middle = Math.floor(tampered.length / 2);
  tampered[middle] = (tampered[middle] ?? 0) ^ 0x01;
  served.publish("tampered", release, { [asset]: tampered });
  const checksums = readFileSync(join(release, "checksums.txt"), "utf8");
  const cut = checksums
    .split("\n")
    .filter((line) => !line.endsWith(`  ${asset}`))
    .join("\n");
  assert.notEqual(cut, checksums);
  served.publish("unlisted", release, { "checksums.txt": cut });

  const cases = [
    {
      owner: "tampered",
      message: `${asset} does not match its sha256 in checksums.txt \\(expected ${sha256(original)}, got ${sha256(tampered)}\\); nothing installed`,
    },
    { owner: "unlisted", message: `checksums.txt lists no sha256 for ${asset}; nothing installed` },
  ];
  for (const { owner, message } of cases) {
    const env = installChannelEnv(t, served.releasesUrl(owner), unameShim(t, "Linux", "x86_64"));
    const into = join(env.HOME, "bin");
    const script = await runInstallSh(["--version", VERSION, into], env);
    assert.equal(script.code, 1);
    assert.match(script.stderr, new RegExp(`^install\\.sh: ${message}\\n$`));
    assert.equal(script.stdout, "");
    nothingInstalled(into);
    const latest = await runInstallSh([into], env);
    assert.match(latest.stderr, new RegExp(`^install\\.sh: ${message}\\n$`));
    nothingInstalled(into);

    const asdf = {
      ASDF_INSTALL_TYPE: "version",
      ASDF_INSTALL_VERSION: VERSION,
      ASDF_INSTALL_PATH: join(env.HOME, "installs", VERSION),
      ASDF_DOWNLOAD_PATH: join(env.HOME, "downloads", VERSION),
    };
    const download = await runAsdf("download", { ...env, ...asdf });
    assert.equal(download.code, 1);
    assert.match(download.stderr, new RegExp(`^asdf kube-credential-cache: ${message}\\n$`));
    assert.deepEqual(readdirSync(asdf.ASDF_DOWNLOAD_PATH), [], "the refused download is removed");
    const install = await runAsdf("install", { ...env, ...asdf });
    assert.equal(install.code, 1);
    assert.match(install.stderr, new RegExp(`^asdf kube-credential-cache: ${message}\\n$`));
    nothingInstalled(join(asdf.ASDF_INSTALL_PATH, "bin"));
    assert.deepEqual(readdirSync(env.TMPDIR), []);
  }
});

test("install.sh and the asdf plugin refuse what they cannot install with one line, installing nothing", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const url = served.releasesUrl("good");
  const cases: { uname: [string, string]; args?: string[]; env?: Record<string, string>; message: string }[] =
    [
      {
        uname: ["Linux", "riscv64"],
        message: 'no kube-credential-cache build for the architecture "riscv64"',
      },
      { uname: ["FreeBSD", "amd64"], message: 'no kube-credential-cache build for the OS "FreeBSD"' },
      { uname: ["MINGW64_NT-10.0", "x86_64"], message: "Windows is not supported by this script; use Scoop" },
      {
        uname: ["Linux", "x86_64"],
        args: ["--version", "9.9.9"],
        message: "cannot download .*/download/v9\\.9\\.9/checksums\\.txt: .*404",
      },
      { uname: ["Linux", "x86_64"], args: ["--version", "1.2;rm"], message: '"1\\.2;rm" is not a version' },
      { uname: ["Linux", "x86_64"], args: ["--version"], message: "--version needs a value" },
      { uname: ["Linux", "x86_64"], args: ["--force"], message: "unknown option --force" },
      {
        uname: ["Linux", "x86_64"],
        env: { KUBE_CREDENTIAL_CACHE_RELEASE_URL: "ftp://example.invalid/releases" },
        message:
          'KUBE_CREDENTIAL_CACHE_RELEASE_URL "ftp://example\\.invalid/releases" is not an http\\(s\\) URL',
      },
    ];
  for (const { uname, args = ["--version", VERSION], env: extra = {}, message } of cases) {
    const env = { ...installChannelEnv(t, url, unameShim(t, ...uname)), ...extra };
    const into = join(env.HOME, "bin");
    const result = await runInstallSh([into, ...args], env);
    assert.notEqual(result.code, 0, `${args.join(" ")} on ${uname.join(" ")}`);
    assert.match(result.stderr, new RegExp(`^install\\.sh: ${message}.*\\n$`));
    nothingInstalled(into);
  }
  const env = installChannelEnv(t, url, unameShim(t, "Linux", "x86_64"));
  const asdfCases = [
    {
      ASDF_INSTALL_TYPE: "ref",
      message: "only released versions can be installed \\(not ASDF_INSTALL_TYPE=ref\\)",
    },
    {
      ASDF_INSTALL_VERSION: "9.9.9",
      message: "cannot download .*/download/v9\\.9\\.9/checksums\\.txt: .*404",
    },
  ];
  for (const { message, ...override } of asdfCases) {
    const asdf = {
      ASDF_INSTALL_TYPE: "version",
      ASDF_INSTALL_VERSION: VERSION,
      ASDF_INSTALL_PATH: join(env.HOME, "installs", "x"),
      ASDF_DOWNLOAD_PATH: join(env.HOME, "downloads", "x"),
      ...override,
    };
    for (const script of ["download", "install"] as const) {
      const result = await runAsdf(script, { ...env, ...asdf });
      assert.equal(result.code, 1, `${script} ${JSON.stringify(override)}`);
      assert.match(result.stderr, new RegExp(`^asdf kube-credential-cache: ${message}.*\\n$`));
      nothingInstalled(join(asdf.ASDF_INSTALL_PATH, "bin"));
    }
  }
});

// A user's install directory with a space in its name, beside a file named as its first word (a path
// split at the space names that file), already holding a pair that a failed install must leave as it
// was. `directory` makes one destination a directory instead, or a link to one.
interface UserDirectory {
  readonly sibling: string;
  readonly into: string;
  readonly directory?: { command: string; link: boolean } | undefined;
}

function makeUserDirectory(
  env: ChannelEnv,
  into: string,
  directory?: UserDirectory["directory"],
): UserDirectory {
  const sibling = join(env.HOME, "My");
  writeFileSync(sibling, "the user's file\n");
  mkdirSync(into, { recursive: true });
  for (const command of COMMANDS) {
    const file = join(into, command);
    if (directory?.command !== command) writeFileSync(file, `old ${command}\n`, { mode: 0o755 });
    else if (!directory.link) mkdirSync(file);
    else symlinkSync(mkdtempSync(join(env.HOME, "elsewhere-")), file);
  }
  return { sibling, into, directory };
}

/** The sibling, the old pair and the directory are as they were; nothing staged is left anywhere. */
function assertUntouched(env: ChannelEnv, { sibling, into, directory }: UserDirectory): void {
  assert.equal(readFileSync(sibling, "utf8"), "the user's file\n", `${sibling} is still there`);
  assert.deepEqual(readdirSync(into).sort(), [...COMMANDS], `nothing staged is left in ${into}`);
  for (const command of COMMANDS) {
    const file = join(into, command);
    if (directory?.command === command) {
      assert.equal(lstatSync(file).isSymbolicLink(), directory.link, `${file} is as it was`);
      assert.deepEqual(readdirSync(file), [], `nothing was put into ${file}`);
    } else assert.equal(readFileSync(file, "utf8"), `old ${command}\n`, `${file} is the old one`);
  }
  assert.deepEqual(readdirSync(env.TMPDIR), [], "the download directory is removed");
}

type Channel = "install.sh" | "asdf";

/** Where the channel installs under the user's "My Tools", and how to run it there. */
function channelInto(channel: Channel, env: ChannelEnv): { into: string; run: () => StartedRun } {
  const tools = join(env.HOME, "My Tools");
  if (channel === "install.sh") {
    return { into: tools, run: () => startInstallSh(["--version", VERSION, tools], env) };
  }
  const asdf = {
    ASDF_INSTALL_TYPE: "version",
    ASDF_INSTALL_VERSION: VERSION,
    ASDF_INSTALL_PATH: tools,
    ASDF_DOWNLOAD_PATH: "",
  };
  return { into: join(tools, "bin"), run: () => startAsdf("install", { ...env, ...asdf }) };
}

const PROGRAM: Record<Channel, string> = { "install.sh": "install.sh", asdf: "asdf kube-credential-cache" };
const FULL_DISK = `printf partial >"$dest"; echo 'cp: error writing: No space left on device' >&2; exit 1`;
const RENAME_REFUSED = "echo 'mv: cannot move: Operation not permitted' >&2; exit 1";

for (const channel of ["install.sh", "asdf"] as const) {
  test(`${channel} into "My Tools" replaces the old pair, keeps the file "My" and leaves nothing else`, async (t) => {
    const served = ready(t);
    if (served === undefined) return;
    const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, "Linux", "x86_64"));
    const { into, run } = channelInto(channel, env);
    const { sibling } = makeUserDirectory(env, into);
    const result = await run().result;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(readFileSync(sibling, "utf8"), "the user's file\n");
    assertInstalled(into, { os: "linux", arch: "x64" });
    assert.deepEqual(readdirSync(env.TMPDIR), []);
  });
}

/**
 * Makes `command`, when its destination matches `pattern`, say it has begun and wait for the test
 * before it runs as the real one, so that signalWhileHeld can signal the installer meanwhile.
 */
function holdCommand(shims: string, gate: string, command: string, pattern: string): void {
  assert.equal(spawnSync("mkfifo", [join(gate, "go")]).status, 0, "mkfifo");
  const wait = `: >${shq(join(gate, "begun"))}; read -r go <${shq(join(gate, "go"))}`;
  interceptCommand(shims, command, pattern, wait);
}

/** Sends the signal to the installer alone (as `kill` does) while the held command waits, then lets it go on. */
async function signalWhileHeld(started: StartedRun, gate: string, signal: NodeJS.Signals): Promise<void> {
  await waitUntil(() => existsSync(join(gate, "begun")), "the held command has begun");
  started.child.kill(signal);
  await writeFile(join(gate, "go"), "go\n");
}

// How an install can end before it is done: a copy that fails part-way, a signal while kcc-injector
// is being copied (to the installer alone, so the copy itself completes), a rename that fails after
// kcc-cache's succeeded. Each must leave the old pair, the user's files and no staged copy.
const STOPPED: readonly {
  what: string;
  channel: Channel;
  cp?: string;
  mv?: string;
  signal?: "SIGINT" | "SIGTERM";
  code: number;
  message: (into: string) => string;
}[] = [
  {
    what: "the copy of kcc-injector fails part-way",
    channel: "install.sh",
    cp: FULL_DISK,
    code: 1,
    message: (into) => `cannot copy kcc-injector into ${into} (cp: error writing: No space left on device)`,
  },
  {
    what: "SIGINT while kcc-injector is copied",
    channel: "install.sh",
    signal: "SIGINT",
    code: 130,
    message: () => "interrupted (SIGINT)",
  },
  {
    what: "SIGTERM while kcc-injector is copied",
    channel: "install.sh",
    signal: "SIGTERM",
    code: 143,
    message: () => "interrupted (SIGTERM)",
  },
  {
    what: "renaming kcc-injector into place fails after kcc-cache was renamed",
    channel: "install.sh",
    mv: RENAME_REFUSED,
    code: 1,
    message: (into) =>
      `cannot put kcc-injector in place in ${into} (mv: cannot move: Operation not permitted)`,
  },
  {
    what: "the copy of kcc-injector fails part-way",
    channel: "asdf",
    cp: FULL_DISK,
    code: 1,
    message: (into) => `cannot copy kcc-injector into ${into} (cp: error writing: No space left on device)`,
  },
  {
    what: "renaming kcc-injector into place fails after kcc-cache was renamed",
    channel: "asdf",
    mv: RENAME_REFUSED,
    code: 1,
    message: (into) =>
      `cannot put kcc-injector in place in ${into} (mv: cannot move: Operation not permitted)`,
  },
];

for (const { what, channel, cp, mv, signal, code, message } of STOPPED) {
  test(`${channel} into "My Tools": ${what} → one line, the old pair and the file "My" kept, nothing staged left`, async (t) => {
    const served = ready(t);
    if (served === undefined) return;
    const shims = unameShim(t, "Linux", "x86_64");
    const env = installChannelEnv(t, served.releasesUrl("good"), shims);
    const { into, run } = channelInto(channel, env);
    const scene = makeUserDirectory(env, into);
    const gate = mkdtempSync(join(env.HOME, "gate-"));
    if (cp !== undefined) interceptCommand(shims, "cp", "*/.kcc-injector*", cp);
    if (mv !== undefined) interceptCommand(shims, "mv", "*/kcc-injector", mv);
    if (signal !== undefined) holdCommand(shims, gate, "cp", "*/.kcc-injector*");
    const started = run();
    if (signal !== undefined) await signalWhileHeld(started, gate, signal);
    const result = await started.result;
    assertUntouched(env, scene);
    assert.equal(result.stderr, `${PROGRAM[channel]}: ${message(into)}; nothing installed\n`);
    assert.equal(result.code, code);
    assert.equal(result.stdout, "");
  });
}

test("install.sh: a signal while the pair is renamed into place waits until both are, so the new pair is whole", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const shims = unameShim(t, "Linux", "x86_64");
  const env = installChannelEnv(t, served.releasesUrl("good"), shims);
  const { into, run } = channelInto("install.sh", env);
  const { sibling } = makeUserDirectory(env, into);
  const gate = mkdtempSync(join(env.HOME, "gate-"));
  holdCommand(shims, gate, "mv", "*/kcc-cache");
  const started = run();
  await signalWhileHeld(started, gate, "SIGINT");
  const result = await started.result;
  assert.equal(result.code, 0, result.stderr);
  assertInstalled(into, { os: "linux", arch: "x64" });
  assert.equal(readFileSync(sibling, "utf8"), "the user's file\n");
  assert.deepEqual(readdirSync(env.TMPDIR), []);
});

// A destination that is a directory (or a link to one) is refused before anything is replaced: a
// rename onto it would move the command into it, and report success.
const DIRECTORIES: readonly { channel: Channel; command: string; link: boolean }[] = [
  { channel: "install.sh", command: "kcc-injector", link: false },
  { channel: "install.sh", command: "kcc-cache", link: false },
  { channel: "install.sh", command: "kcc-injector", link: true },
  { channel: "asdf", command: "kcc-injector", link: false },
];

for (const { channel, command, link } of DIRECTORIES) {
  test(`${channel}: ${command} is ${link ? "a link to " : ""}a directory → one line, nothing replaced`, async (t) => {
    const served = ready(t);
    if (served === undefined) return;
    const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, "Linux", "x86_64"));
    const { into, run } = channelInto(channel, env);
    const scene = makeUserDirectory(env, into, { command, link });
    const result = await run().result;
    assertUntouched(env, scene);
    assert.equal(
      result.stderr,
      `${PROGRAM[channel]}: cannot install ${join(into, command)}: it is a directory; nothing installed\n`,
    );
    assert.equal(result.code, 1);
  });
}

test("the asdf plugin's list-all lists the v<semver> tags of the repository beside the releases, in order", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const tags = [
    "v1.10.0",
    "v0.9.0",
    "v1.2.3",
    "v1.2.0",
    "latest",
    "v1.2.0-rc.1",
    "1.5.0",
    "v2.0.0-beta.2",
    "v2.0.0-beta.1",
    "v1.2",
  ];
  publishRepository(served, "tagged", tags);
  const env = installChannelEnv(t, served.releasesUrl("tagged"), unameShim(t, "Linux", "x86_64"));
  const result = await runAsdf("list-all", env);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "0.9.0 1.2.0-rc.1 1.2.0 1.2.3 1.10.0 2.0.0-beta.1 2.0.0-beta.2\n");

  const none = await runAsdf("list-all", {
    ...env,
    KUBE_CREDENTIAL_CACHE_RELEASE_URL: served.releasesUrl("nobody"),
  });
  assert.equal(none.code, 1);
  assert.match(
    none.stderr,
    /^asdf kube-credential-cache: cannot list the tags of http:\/\/127\.0\.0\.1:\d+\/nobody\/kube-credential-cache\.git \(git ls-remote failed\)\n$/,
  );
});

// The Go text/template functions the entry uses, and no others: a template using anything else fails.
function renderAquaTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression: string) => {
    const [fn, argument] = expression.split(/\s+/);
    const value = (name: string | undefined): string => {
      const found = name?.startsWith(".") === true ? values[name.slice(1)] : undefined;
      if (found === undefined) throw new Error(`unknown template value ${String(name)} in ${template}`);
      return found;
    };
    if (argument === undefined) return value(fn);
    if (fn === "title") return value(argument).charAt(0).toUpperCase() + value(argument).slice(1);
    if (fn === "trimV") return value(argument).replace(/^v/, "");
    throw new Error(`template function ${String(fn)} is not rendered here`);
  });
}

interface AquaOverride {
  goos?: string;
  goarch?: string;
  format?: string;
  asset?: string;
  replacements?: Record<string, string>;
}

interface AquaPackage {
  type: string;
  repo_owner: string;
  repo_name: string;
  asset: string;
  format: string;
  replacements?: Record<string, string>;
  overrides?: AquaOverride[];
  supported_envs: string[];
  files: { name: string; src?: string }[];
  checksum: {
    type: string;
    asset: string;
    algorithm: string;
    file_format: string;
    pattern: { checksum: string; file: string };
  };
}

test("the aqua registry entry names, for every supported OS/arch, an archive of the release and its line in checksums.txt", (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const registry = parse(readFileSync(join(ROOT, "aqua", "registry.yaml"), "utf8")) as {
    packages: AquaPackage[];
  };
  assert.equal(registry.packages.length, 1);
  const entry = registry.packages[0];
  assert.ok(entry !== undefined);
  assert.equal(entry.type, "github_release");
  assert.deepEqual(
    entry.files.map((file) => file.src ?? file.name),
    [...COMMANDS],
  );

  const goArch = { x64: "amd64", arm64: "arm64" } as const;
  const supports = (os: string, arch: string): boolean =>
    entry.supported_envs.some(
      (env) => env === "all" || env === os || env === `${os}/${arch}` || env === arch,
    );
  const checksums = readFileSync(join(release, "checksums.txt"), "utf8").split("\n").filter(Boolean);
  const rendered: string[] = [];
  for (const target of TARGETS) {
    const os = target.os;
    const arch = goArch[target.arch];
    assert.ok(supports(os, arch), `aqua supports ${os}/${arch}`);
    // aqua applies the first override matching goos/goarch; replacements from it merge over the package's.
    const override: AquaOverride | undefined = (entry.overrides ?? []).find(
      (candidate) => (candidate.goos ?? os) === os && (candidate.goarch ?? arch) === arch,
    );
    const replacements = { ...entry.replacements, ...override?.replacements };
    const name = renderAquaTemplate(override?.asset ?? entry.asset, {
      OS: replacements[os] ?? os,
      Arch: replacements[arch] ?? arch,
      Format: override?.format ?? entry.format,
      Version: `v${VERSION}`,
    });
    assert.equal(name, archiveName(target), `${os}/${arch}`);
    assert.equal(override?.format ?? entry.format, archiveFormat(target));
    rendered.push(name);

    // aqua finds the digest with the entry's two patterns (Go's RE2 reads these the same way as JS).
    const line: string | undefined = checksums.find(
      (candidate) => new RegExp(entry.checksum.pattern.file).exec(candidate)?.[1] === name,
    );
    assert.ok(line !== undefined, `checksums.txt has a line aqua reads as ${name}`);
    assert.equal(
      new RegExp(entry.checksum.pattern.checksum).exec(line)?.[1],
      sha256(readFileSync(join(release, name))),
    );
  }
  assert.deepEqual(
    rendered.sort(),
    readdirSync(release)
      .filter((file) => file.startsWith("kube-credential-cache_"))
      .sort(),
  );
  assert.deepEqual(
    { type: entry.checksum.type, asset: entry.checksum.asset, algorithm: entry.checksum.algorithm },
    { type: "github_release", asset: "checksums.txt", algorithm: "sha256" },
  );
  assert.ok(existsSync(join(release, entry.checksum.asset)));
  // Nothing else is supported: aqua would otherwise look for an archive the release does not have.
  for (const [os, arch] of [
    ["windows", "arm64"],
    ["freebsd", "amd64"],
    ["linux", "386"],
  ] as const)
    assert.equal(supports(os, arch), false, `${os}/${arch} is not supported`);
});

test("npm publishes the two launchers from bin/ and none of the asdf plugin's scripts", (t) => {
  if (missingCommands(["npm"]).length > 0) {
    skipOrFailUnderCi(t, "npm is needed to list what it would publish");
    return;
  }
  const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  assert.equal(pack.status, 0, pack.stderr);
  const [packed] = JSON.parse(pack.stdout) as { files: { path: string }[] }[];
  const files = (packed?.files ?? []).map((file) => file.path);
  assert.deepEqual(files.filter((path) => path.startsWith("bin/")).sort(), [
    "bin/kcc-cache",
    "bin/kcc-injector",
  ]);
  for (const path of ["install.sh", "lib/utils.sh", "aqua/registry.yaml"])
    assert.ok(!files.includes(path), path);
});
