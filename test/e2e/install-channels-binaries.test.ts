// The install channels with the real linux binaries (the binary pass: npm run test:binary): a release
// made by `npm run release` from dist/bin's linux-x64 and linux-arm64 binaries (stand-ins for the
// rest), served from 127.0.0.1, installed by install.sh and by the asdf plugin: the one executable,
// both commands answer --version as themselves through their links, and the installed kcc-cache
// answers a hit: two calls, the plugin ran once. linux-arm64 runs under qemu-user, with `uname -m`
// answering aarch64.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test, type TestContext } from "node:test";
import { COMMANDS, builtBinaryName, executableName, type Target } from "../../scripts/release-targets.js";
import { binariesUnderTest, binaryVersionLine, requireQemuArm64 } from "./support/binaries.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { installChannelEnv, runAsdf, runInstallSh, unameShim } from "./support/install-channels.js";
import { assertOk, useSandbox } from "./support/kcc-cache.js";
import {
  VERSION,
  makeBinDirectory,
  makeRelease,
  startReleaseServer,
  type ReleaseServer,
} from "./support/release-server.js";
import { run } from "./support/run.js";
import { missingCommands, skipOrFailUnderCi } from "./support/skip.js";

const LINUX_X64: Target = { os: "linux", arch: "x64" };
const LINUX_ARM64: Target = { os: "linux", arch: "arm64" };
const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

let dir = "";
let served: Promise<ReleaseServer> | undefined;

after(async () => {
  if (served !== undefined) await (await served).close();
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

/** One release for the file (it gzips two ~115 MB binaries twice, a minute on a busy machine). */
function releaseOf(realBin: string): Promise<ReleaseServer> {
  served ??= (async () => {
    dir = mkdtempSync(join(tmpdir(), "kcc-channels-real-"));
    const release = makeRelease(dir, makeBinDirectory(dir, realBin, [LINUX_X64, LINUX_ARM64]));
    const server = await startReleaseServer(dir);
    server.publish("real", release);
    return server;
  })();
  return served;
}

function ready(t: TestContext): string | undefined {
  const realBin = binariesUnderTest(t);
  if (realBin === undefined) return undefined;
  const missing = missingCommands(["tar", "zip", "unzip", "npm", "curl", "sha256sum"]);
  if (missing.length === 0) return realBin;
  skipOrFailUnderCi(t, `the install channels' tests need ${missing.join(", ")} on PATH`);
  return undefined;
}

const { version } = JSON.parse(readFileSync(resolve(__dirname, "..", "..", "package.json"), "utf8")) as {
  version: string;
};

/**
 * The installed executable is the build's own bytes, each command a link to it that runs as that
 * command, and kcc-cache serves its second call from the cache.
 */
async function assertAnswersHit(
  t: TestContext,
  bin: string,
  realBin: string,
  target: Target,
  emulator: string[] = [],
): Promise<void> {
  assert.equal(sha256(join(bin, executableName(target))), sha256(join(realBin, builtBinaryName(target))));
  const sandbox = useSandbox(t);
  for (const command of COMMANDS) {
    assert.equal(readlinkSync(join(bin, command)), executableName(target));
    const answer = await run("/bin/sh", ["-c", '"$0" "$@"', ...emulator, join(bin, command), "--version"], {
      env: sandbox.env,
      timeoutMs: 300_000,
    });
    assertOk(answer);
    assert.match(answer.stdout, binaryVersionLine(command, version));
  }
  const plugin = writeFakePlugin(sandbox, "channel-plugin");
  // Each call from a shell of its own, as kubectl's calls come from processes of their own.
  const call = () =>
    run("/bin/sh", ["-c", '"$0" "$@"; exit $?', ...emulator, join(bin, "kcc-cache"), "channel-plugin"], {
      env: sandbox.env,
      timeoutMs: 300_000,
    });
  const miss = await call();
  assertOk(miss);
  const hit = await call();
  assertOk(hit);
  assert.equal(miss.stdout, plugin.output(1));
  assert.equal(hit.stdout, plugin.output(1));
  assert.equal(plugin.runs(), 1, "the second call was a hit");
}

test("linux-x64: install.sh and the asdf plugin install the real commands, and kcc-cache answers a hit", async (t) => {
  const realBin = ready(t);
  if (realBin === undefined) return;
  const server = await releaseOf(realBin);
  // This machine's own uname: the scripts pick linux-x64 as they would for a user here.
  const env = installChannelEnv(t, server.releasesUrl("real"), undefined);

  const into = join(env.HOME, ".local", "bin");
  const script = await runInstallSh([], env);
  assert.equal(script.code, 0, script.stderr);
  await assertAnswersHit(t, into, realBin, LINUX_X64);

  const asdf = {
    ASDF_INSTALL_TYPE: "version",
    ASDF_INSTALL_VERSION: VERSION,
    ASDF_INSTALL_PATH: join(env.HOME, "installs", VERSION),
    ASDF_DOWNLOAD_PATH: join(env.HOME, "downloads", VERSION),
  };
  for (const step of ["download", "install"] as const) {
    const result = await runAsdf(step, { ...env, ...asdf });
    assert.equal(result.code, 0, result.stderr);
  }
  await assertAnswersHit(t, join(asdf.ASDF_INSTALL_PATH, "bin"), realBin, LINUX_X64);
});

test("linux-arm64 (uname -m: aarch64, run under qemu): both channels install the real commands, and kcc-cache answers a hit", async (t) => {
  const realBin = ready(t);
  if (realBin === undefined) return;
  const qemu = requireQemuArm64(t);
  if (qemu === undefined) return;
  const server = await releaseOf(realBin);
  const env = installChannelEnv(t, server.releasesUrl("real"), unameShim(t, "Linux", "aarch64"));
  const emulator = [qemu.qemu, "-L", qemu.sysroot];

  const into = join(env.HOME, "bin");
  const script = await runInstallSh(["--version", VERSION, into], env);
  assert.equal(script.code, 0, script.stderr);
  await assertAnswersHit(t, into, realBin, LINUX_ARM64, emulator);

  const asdf = {
    ASDF_INSTALL_TYPE: "version",
    ASDF_INSTALL_VERSION: VERSION,
    ASDF_INSTALL_PATH: join(env.HOME, "installs", VERSION),
    ASDF_DOWNLOAD_PATH: join(env.HOME, "downloads", VERSION),
  };
  for (const step of ["download", "install"] as const) {
    const result = await runAsdf(step, { ...env, ...asdf });
    assert.equal(result.code, 0, result.stderr);
  }
  await assertAnswersHit(t, join(asdf.ASDF_INSTALL_PATH, "bin"), realBin, LINUX_ARM64, emulator);
});
