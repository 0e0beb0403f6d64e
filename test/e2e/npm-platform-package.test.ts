// `npm install -g kube-credential-cache` on Linux: the main package's postinstall puts the platform
// package's standalone binary in place of its Node launchers, and leaves the launchers when it cannot
// (scripts off, a binary other than the one the release recorded, a binary of another release, one that
// does not start). Packed and installed for real
// with npm, from its cache where it can: the platform package comes from a local tarball named in the main package's
// optional dependencies, so npm nests it under the main package as it would from the registry.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test, type TestContext } from "node:test";
import { packPlatformPackage, pinPlatformPackages } from "../../scripts/release-npm-platform.js";
import type { ReleaseInfo } from "../../scripts/release-manifests.js";
import { binariesUnderTest, COMMANDS } from "./support/binaries.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, useSandbox } from "./support/kcc-cache.js";
import { sha256 } from "./support/release-run.js";
import { run } from "./support/run.js";
import type { Sandbox } from "./support/sandbox.js";
import { skipOrFailUnderCi } from "./support/skip.js";

const ROOT = resolve(__dirname, "..", "..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const LINUX_X64 = { os: "linux", arch: "x64" } as const;
const PLATFORM_PACKAGE = "@kube-credential-cache/linux-x64";
const RELEASE: ReleaseInfo = {
  version: VERSION,
  homepage: "https://github.com/example/kube-credential-cache",
  releasesUrl: "https://github.com/example/kube-credential-cache/releases",
  license: "MIT",
};

interface Installed {
  readonly bin: string;
  readonly npmOutput: string;
}

/** A scratch dir removed after the test, or undefined (skipped) without the binaries or the Node build. */
function scratch(t: TestContext): { dir: string; binaries: string } | undefined {
  const binaries = binariesUnderTest(t);
  if (binaries === undefined) return undefined;
  if (!existsSync(join(ROOT, "dist", "kcc-cache.cjs"))) {
    skipOrFailUnderCi(t, "no dist/kcc-cache.cjs: run `npm run build` first");
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), "kcc-npm-platform-"));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, binaries };
}

/**
 * Packs this repository and a linux-x64 platform package of `binaries`, and installs both globally. The
 * main package records the digests of `recorded` (by default the binaries packed), as a release would.
 */
function install(
  dir: string,
  binaries: ReadonlyMap<string, string>,
  npmFlags: string[] = [],
  recorded: ReadonlyMap<string, string> = binaries,
): Installed {
  const platformTarball = join(
    dir,
    packPlatformPackage(PLATFORM_PACKAGE, LINUX_X64, binaries, ROOT, RELEASE, dir),
  );
  const main = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  assert.ok(main !== undefined);
  pinPlatformPackages(join(dir, main), {
    dependencies: { [PLATFORM_PACKAGE]: `file:${platformTarball}` },
    sha256: {
      [PLATFORM_PACKAGE]: Object.fromEntries(
        COMMANDS.map((command) => [
          command,
          sha256(readFileSync(recorded.get(`${command}-linux-x64`) ?? "")),
        ]),
      ),
    },
  });
  const prefix = join(dir, "prefix");
  // --prefer-offline: the platform package is local, and @napi-rs/keyring comes from npm's cache when
  // it holds the registry's metadata (a fresh machine's cache does not: that one lookup goes out).
  const npm = spawnSync(
    "npm",
    [
      "install",
      "--global",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--foreground-scripts",
      "--prefix",
      prefix,
      ...npmFlags,
      join(dir, main),
    ],
    { encoding: "utf8" },
  );
  assert.equal(npm.status, 0, `npm install: ${npm.stderr}`);
  assert.ok(
    existsSync(
      join(prefix, "lib", "node_modules", "kube-credential-cache", "node_modules", PLATFORM_PACKAGE),
    ),
    "npm installed the platform package under the main package",
  );
  return { bin: join(prefix, "bin"), npmOutput: `${npm.stdout}${npm.stderr}` };
}

function realBinaries(dir: string): Map<string, string> {
  return new Map(COMMANDS.map((command) => [`${command}-linux-x64`, join(dir, `${command}-linux-x64`)]));
}

function isNodeLauncher(file: string): boolean {
  return readFileSync(realpathSync(file), "utf8").startsWith("#!/usr/bin/env node\n");
}

/** Two calls as kubectl makes them: the second is a hit, served without running the plugin. */
async function assertHit(sandbox: Sandbox, kccCache: string): Promise<void> {
  const plugin = writeFakePlugin(sandbox, "token-plugin");
  const call = (): ReturnType<typeof run> =>
    run("/bin/sh", ["-c", '"$0" "$@"; exit $?', kccCache, plugin.path], { env: sandbox.env });
  const first = await call();
  assertOk(first);
  const second = await call();
  assertOk(second);
  assert.equal(second.stdout, first.stdout);
  assert.equal(plugin.runs(), 1, "the second call is served from the cache");
}

test("with the platform package installed, npm's kcc-cache and kcc-injector are the standalone binary", async (t) => {
  const where = scratch(t);
  if (where === undefined) return;
  const { bin } = install(where.dir, realBinaries(where.binaries));
  for (const command of COMMANDS) {
    const file = join(bin, command);
    assert.deepEqual(readFileSync(realpathSync(file)).subarray(0, 4), Buffer.from("\x7fELF", "latin1"));
    assert.equal(
      readFileSync(realpathSync(file)).length,
      readFileSync(join(where.binaries, `${command}-linux-x64`)).length,
    );
    assert.equal(execFileSync(file, ["--version"], { encoding: "utf8" }), `${command} ${VERSION}\n`);
  }
  await assertHit(useSandbox(t), join(bin, "kcc-cache"));
});

test("with install scripts off, the commands stay the Node launchers and still work", async (t) => {
  const where = scratch(t);
  if (where === undefined) return;
  // Stand-ins of this very release: they would replace the launchers if the script ran.
  const standIns = new Map(
    COMMANDS.map((command) => {
      const file = join(where.dir, `${command}-stand-in`);
      writeFileSync(file, `#!/bin/sh\necho '${command} ${VERSION}'\n`, { mode: 0o755 });
      return [`${command}-linux-x64`, file] as const;
    }),
  );
  const { bin } = install(where.dir, standIns, ["--ignore-scripts"]);
  for (const command of COMMANDS) assert.ok(isNodeLauncher(join(bin, command)), `${command} is the launcher`);
  await assertHit(useSandbox(t), join(bin, "kcc-cache"));
});

test("a platform binary of another release, or one that does not start, leaves the launcher (one line each)", async (t) => {
  const where = scratch(t);
  if (where === undefined) return;
  const standIns = new Map([
    ["kcc-cache-linux-x64", join(where.dir, "kcc-cache-other-release")],
    ["kcc-injector-linux-x64", join(where.dir, "kcc-injector-broken")],
  ]);
  writeFileSync(join(where.dir, "kcc-cache-other-release"), "#!/bin/sh\necho 'kcc-cache 0.0.1-other'\n", {
    mode: 0o755,
  });
  writeFileSync(join(where.dir, "kcc-injector-broken"), "#!/bin/sh\nexit 127\n", { mode: 0o755 });
  const { bin, npmOutput } = install(where.dir, standIns);
  for (const command of COMMANDS) assert.ok(isNodeLauncher(join(bin, command)), `${command} is the launcher`);
  assert.match(npmOutput, /kube-credential-cache: kcc-cache stays on Node: .*expected version/);
  assert.match(npmOutput, /kube-credential-cache: kcc-injector stays on Node: /);
  assert.equal(
    execFileSync(join(bin, "kcc-injector"), ["--version"], { encoding: "utf8" }),
    `kcc-injector ${VERSION}\n`,
  );
  await assertHit(useSandbox(t), join(bin, "kcc-cache"));
});

test("a platform binary other than the one the release recorded is never run, and leaves the launcher (one line each)", async (t) => {
  const where = scratch(t);
  if (where === undefined) return;
  // Impostors of this very release, as whoever took the platform package's name could publish: they
  // would pass the version check, and leave a mark if anything ran them.
  const ran = join(where.dir, "impostor-ran");
  const impostors = new Map(
    COMMANDS.map((command) => {
      const file = join(where.dir, `${command}-impostor`);
      writeFileSync(file, `#!/bin/sh\ntouch '${ran}'\necho '${command} ${VERSION}'\n`, { mode: 0o755 });
      return [`${command}-linux-x64`, file] as const;
    }),
  );
  const { bin, npmOutput } = install(where.dir, impostors, [], realBinaries(where.binaries));
  for (const command of COMMANDS) assert.ok(isNodeLauncher(join(bin, command)), `${command} is the launcher`);
  assert.ok(!existsSync(ran), "postinstall did not run a binary it could not match");
  const platformDir = join(dirname(bin), "lib", "node_modules", "kube-credential-cache", "node_modules");
  assert.deepEqual(
    npmOutput
      .split("\n")
      .filter((line) => line.includes("kube-credential-cache: "))
      .map((line) => line.slice(line.indexOf("kube-credential-cache: "))),
    COMMANDS.map(
      (command) =>
        `kube-credential-cache: ${command} stays on Node: ${join(platformDir, PLATFORM_PACKAGE, "bin", command)} ` +
        "is not the binary this release recorded (its sha256 differs)",
    ),
  );
  await assertHit(useSandbox(t), join(bin, "kcc-cache"));
});
