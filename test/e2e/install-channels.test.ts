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
  readlinkSync,
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
  which,
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
import { run as runCommand, type StartedRun } from "./support/run.js";
import { unpack } from "./support/release-run.js";
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

const EXECUTABLE = "kube-credential-cache";

/**
 * The one executable of the target's archive, and each command a link to it that runs it under the
 * command's name (the stand-in says which name it was started as).
 */
function assertInstalled(into: string, target: Target): void {
  assert.deepEqual(readdirSync(into).sort(), [...COMMANDS, EXECUTABLE]);
  const file = join(into, EXECUTABLE);
  assert.deepEqual(readFileSync(file), standInBytes(builtBinaryName(target)), `${file} content`);
  assert.equal(statSync(file).mode & 0o777, 0o755, `${file} mode`);
  for (const command of COMMANDS) {
    assert.equal(readlinkSync(join(into, command)), EXECUTABLE, `${command} is a link to ${EXECUTABLE}`);
    const ran = spawnSync(join(into, command), ["--version"], { encoding: "utf8" });
    assert.equal(ran.stdout, `stand-in for ${builtBinaryName(target)}, run as ${command} --version\n`);
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
      const what = args.length === 0 ? `version ${VERSION}, the latest release` : `version ${VERSION}`;
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

test("install.sh works with wget and shasum when curl and sha256sum are missing, and names the latest version", async (t) => {
  const served = ready(t);
  if (served === undefined) return;
  const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, "Darwin", "arm64"), {
    without: ["curl", "sha256sum"],
  });
  const into = join(env.HOME, "bin");
  for (const args of [["--version", VERSION], []]) {
    const result = await runInstallSh([...args, into], env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^installed kcc-cache and kcc-injector \\(version ${VERSION}[,)]`),
    );
    assertInstalled(into, { os: "darwin", arch: "arm64" });
  }
});

// On a terminal (under `script`, which gives the installer one) the archive's download shows the
// tool's progress bar; in a pipe, as in every other test here, it is quiet and stderr stays empty. A
// `curl` or `wget` in front of the real one records how the archive was asked for: whether a bar
// appears at all depends on the download's speed.
const PROGRESS = {
  curl: { quiet: "--silent", bar: "--progress-bar" },
  wget: { quiet: "--no-verbose", bar: "--show-progress" },
} as const;

for (const tool of ["curl", "wget"] as const) {
  test(`install.sh asks ${tool} for its progress bar when stderr is a terminal, and not in a pipe`, async (t) => {
    const served = ready(t);
    if (served === undefined) return;
    if (missingCommands(["script"]).length > 0) {
      skipOrFailUnderCi(t, "script (util-linux) is needed to give install.sh a terminal");
      return;
    }
    const shims = unameShim(t, "Linux", "x86_64");
    const env = installChannelEnv(t, served.releasesUrl("good"), shims, {
      without: [tool === "curl" ? "wget" : "curl"],
    });
    const asked = join(env.HOME, "asked");
    interceptCommand(shims, tool, "*.tar.gz", `printf '%s\\n' "$*" >>${shq(asked)}`);
    const into = join(env.HOME, "bin");
    const piped = await runInstallSh(["--version", VERSION, into], env);
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, "");
    const command = `sh ${shq(join(ROOT, "install.sh"))} --version ${VERSION} ${shq(into)}`;
    const onTerminal = await runCommand(
      which("script"),
      ["--quiet", "--return", "--command", command, "/dev/null"],
      { env: { ...env, SHELL: "/bin/sh" }, timeoutMs: 300_000 },
    );
    assert.equal(onTerminal.code, 0, onTerminal.stdout);
    assert.match(onTerminal.stdout, /installed kcc-cache and kcc-injector \(version 1\.2\.3, /);
    assertInstalled(into, { os: "linux", arch: "x64" });
    const [inPipe = "", inTerminal = "", ...more] = readFileSync(asked, "utf8").split("\n");
    assert.deepEqual(more, [""], "one archive download per run");
    assert.ok(inPipe.split(" ").includes(PROGRESS[tool].quiet), inPipe);
    assert.ok(!inPipe.split(" ").includes(PROGRESS[tool].bar), inPipe);
    assert.ok(inTerminal.split(" ").includes(PROGRESS[tool].bar), inTerminal);
  });
}

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
// split at the space names that file), already holding an install that a failed one must leave as it
// was: an older release's pair of files, or this layout (the executable and a link per command).
// `directory` makes one destination a directory instead, or a link to one.
type Layout = "pair" | "links";
interface UserDirectory {
  readonly sibling: string;
  readonly into: string;
  readonly layout: Layout;
  readonly directory?: { name: string; link: boolean } | undefined;
}

/** The names an old install of a layout holds, each with what `cat` shows through it. */
function oldInstall(layout: Layout): [string, string][] {
  return layout === "pair"
    ? COMMANDS.map((command) => [command, `old ${command}\n`])
    : [...COMMANDS, EXECUTABLE].map((name) => [name, `old ${EXECUTABLE}\n`]);
}

function makeUserDirectory(
  env: ChannelEnv,
  into: string,
  { layout = "pair", directory }: { layout?: Layout; directory?: UserDirectory["directory"] } = {},
): UserDirectory {
  const sibling = join(env.HOME, "My");
  writeFileSync(sibling, "the user's file\n");
  mkdirSync(into, { recursive: true });
  for (const [name, text] of oldInstall(layout)) {
    const file = join(into, name);
    if (directory?.name === name) {
      if (directory.link) symlinkSync(mkdtempSync(join(env.HOME, "elsewhere-")), file);
      else mkdirSync(file);
    } else if (layout === "links" && name !== EXECUTABLE) symlinkSync(EXECUTABLE, file);
    else writeFileSync(file, text, { mode: 0o755 });
  }
  return { sibling, into, layout, directory };
}

/** The sibling, the old install and the directory are as they were; nothing staged is left anywhere. */
function assertUntouched(env: ChannelEnv, { sibling, into, layout, directory }: UserDirectory): void {
  assert.equal(readFileSync(sibling, "utf8"), "the user's file\n", `${sibling} is still there`);
  const old = oldInstall(layout);
  assert.deepEqual(
    readdirSync(into).sort(),
    old.map(([name]) => name).sort(),
    `nothing staged is left in ${into}`,
  );
  for (const [name, text] of old) {
    const file = join(into, name);
    if (directory?.name === name) {
      assert.equal(lstatSync(file).isSymbolicLink(), directory.link, `${file} is as it was`);
      assert.deepEqual(readdirSync(file), [], `nothing was put into ${file}`);
    } else if (directory?.name === EXECUTABLE) {
      assert.equal(readlinkSync(file), EXECUTABLE, `${file} is the old link`);
    } else assert.equal(readFileSync(file, "utf8"), text, `${file} is the old one`);
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
const copyFails = {
  cp: `printf partial >"$dest"; echo 'cp: error writing: No space left on device' >&2; exit 1`,
  code: 1,
  message: (into: string) =>
    `cannot copy kube-credential-cache into ${into} (cp: error writing: No space left on device)`,
};
/** `mv` refuses to rename onto NAME, after the renames before it succeeded. */
const renameRefused = (name: string) => ({
  mv: { destination: `*/${name}`, action: "echo 'mv: cannot move: Operation not permitted' >&2; exit 1" },
  code: 1,
  message: (into: string) =>
    `cannot put ${name} in place in ${into} (mv: cannot move: Operation not permitted)`,
});

for (const [channel, layout] of [
  ["install.sh", "pair"],
  ["install.sh", "links"],
  ["asdf", "pair"],
] as const) {
  test(`${channel} into "My Tools" replaces the old install (${layout}), keeps the file "My" and leaves nothing else`, async (t) => {
    const served = ready(t);
    if (served === undefined) return;
    const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, "Linux", "x86_64"));
    const { into, run } = channelInto(channel, env);
    const { sibling } = makeUserDirectory(env, into, { layout });
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

// How an install can end before it is done: a copy that fails part-way, a signal while the executable
// is being copied (to the installer alone, so the copy itself completes), a rename that fails after
// the ones before it succeeded. Each must leave the old install, the user's files and nothing staged.
const STOPPED: readonly {
  what: string;
  channel: Channel;
  layout?: Layout;
  cp?: string;
  mv?: { destination: string; action: string };
  signal?: "SIGINT" | "SIGTERM";
  code: number;
  message: (into: string) => string;
}[] = [
  { what: "the copy of the executable fails part-way", channel: "install.sh", ...copyFails },
  {
    what: "SIGINT while the executable is copied",
    channel: "install.sh",
    signal: "SIGINT",
    code: 130,
    message: () => "interrupted (SIGINT)",
  },
  {
    what: "SIGTERM while the executable is copied",
    channel: "install.sh",
    signal: "SIGTERM",
    code: 143,
    message: () => "interrupted (SIGTERM)",
  },
  {
    what: "renaming kcc-cache into place fails after the executable was renamed",
    channel: "install.sh",
    ...renameRefused("kcc-cache"),
  },
  {
    what: "renaming kcc-injector into place fails after the executable and kcc-cache were renamed",
    channel: "install.sh",
    ...renameRefused("kcc-injector"),
  },
  {
    what: "renaming kcc-injector into place fails over an install of this layout",
    channel: "install.sh",
    layout: "links",
    ...renameRefused("kcc-injector"),
  },
  { what: "the copy of the executable fails part-way", channel: "asdf", ...copyFails },
  {
    what: "renaming kcc-injector into place fails after the executable and kcc-cache were renamed",
    channel: "asdf",
    ...renameRefused("kcc-injector"),
  },
];

for (const { what, channel, layout = "pair", cp, mv, signal, code, message } of STOPPED) {
  test(`${channel} into "My Tools": ${what} → one line, the old install (${layout}) and the file "My" kept, nothing staged left`, async (t) => {
    const served = ready(t);
    if (served === undefined) return;
    const shims = unameShim(t, "Linux", "x86_64");
    const env = installChannelEnv(t, served.releasesUrl("good"), shims);
    const { into, run } = channelInto(channel, env);
    const scene = makeUserDirectory(env, into, { layout });
    const gate = mkdtempSync(join(env.HOME, "gate-"));
    if (cp !== undefined) interceptCommand(shims, "cp", "*/.kube-credential-cache.new*", cp);
    if (mv !== undefined) interceptCommand(shims, "mv", mv.destination, mv.action);
    if (signal !== undefined) holdCommand(shims, gate, "cp", "*/.kube-credential-cache.new*");
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
// rename onto it would move the file into it, and report success.
const DIRECTORIES: readonly { channel: Channel; layout: Layout; name: string; link: boolean }[] = [
  { channel: "install.sh", layout: "pair", name: "kcc-injector", link: false },
  { channel: "install.sh", layout: "pair", name: "kcc-cache", link: false },
  { channel: "install.sh", layout: "pair", name: "kcc-injector", link: true },
  { channel: "install.sh", layout: "links", name: EXECUTABLE, link: false },
  { channel: "asdf", layout: "pair", name: "kcc-injector", link: false },
];

for (const { channel, layout, name, link } of DIRECTORIES) {
  test(`${channel}: ${name} is ${link ? "a link to " : ""}a directory → one line, nothing replaced`, async (t) => {
    const served = ready(t);
    if (served === undefined) return;
    const env = installChannelEnv(t, served.releasesUrl("good"), unameShim(t, "Linux", "x86_64"));
    const { into, run } = channelInto(channel, env);
    const scene = makeUserDirectory(env, into, { layout, directory: { name, link } });
    const result = await run().result;
    assertUntouched(env, scene);
    assert.equal(
      result.stderr,
      `${PROGRAM[channel]}: cannot install ${join(into, name)}: it is a directory; nothing installed\n`,
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

interface AquaFile {
  name: string;
  src?: string;
  link?: string;
}

interface AquaOverride {
  goos?: string;
  goarch?: string;
  format?: string;
  asset?: string;
  replacements?: Record<string, string>;
  files?: AquaFile[];
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
  files: AquaFile[];
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

    // Each command is a file aqua finds in the archive and runs under a name that is the command's:
    // the archive's link of that name, or the link aqua makes (`link`, as the zip holds none).
    const files: AquaFile[] = override?.files ?? entry.files;
    assert.deepEqual(
      files.map((file) => file.name),
      [...COMMANDS],
      `${os}/${arch}: aqua installs both commands`,
    );
    const unpacked = join(dir, "aqua", name);
    mkdirSync(join(dir, "aqua"), { recursive: true });
    unpack(join(release, name), unpacked);
    for (const file of files) {
      const src = file.src ?? file.name;
      const runAs = (file.link ?? src).replace(/\.exe$/, "");
      assert.equal(runAs, file.name, `${os}/${arch}: ${file.name} runs under its own name`);
      const found = lstatSync(join(unpacked, src));
      if (found.isSymbolicLink()) assert.equal(readlinkSync(join(unpacked, src)), EXECUTABLE);
      else assert.equal(src, `${EXECUTABLE}.exe`, `${os}/${arch}: ${src} is the executable`);
    }

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
