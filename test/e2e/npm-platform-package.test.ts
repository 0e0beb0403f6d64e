// `npm install -g kube-credential-cache` on Linux, where the install script cannot put the platform
// package's standalone binary in place of its Node launchers, or must not: scripts off, a binary other
// than the one the release recorded, a binary of another release, one that answers wrongly under one of
// its two names, one that does not start. Packed and installed for real with npm, against a registry on
// 127.0.0.1: the platform package comes from a local tarball named in the main package's optional
// dependencies, so npm nests it under the main package as it would from the registry. Where the binary
// does go in place, under each package manager: package-managers.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { binariesUnderTest, COMMANDS } from "./support/binaries.js";
import { useSandbox } from "./support/kcc-cache.js";
import { secretStoreBindings, startLocalRegistry, type LocalRegistry } from "./support/npm-registry.js";
import {
  assertHit,
  LINUX_X64_BINARY,
  packRelease,
  PLATFORM_PACKAGE,
  ROOT,
  VERSION,
  versionLine,
} from "./support/npm-release-packages.js";
import { run } from "./support/run.js";
import { skipOrFailUnderCi } from "./support/skip.js";

interface Installed {
  readonly bin: string;
  readonly npmOutput: string;
}

let registryDir: string | undefined;
let registry: LocalRegistry | undefined;

// The main package's other optional dependencies, the secret-store bindings, are for macOS and
// Windows: a registry on 127.0.0.1 tells npm so, and nothing is fetched from anywhere else.
before(async () => {
  registryDir = mkdtempSync(join(tmpdir(), "kcc-npm-platform-registry-"));
  registry = await startLocalRegistry(registryDir, [], [], secretStoreBindings());
});

after(async () => {
  await registry?.close();
  if (registryDir !== undefined) rmSync(registryDir, { recursive: true, force: true });
});

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
 * Packs this repository and a linux-x64 platform package of `binary`, and installs both globally. The
 * main package records the digest of `recorded` (by default the binary packed), as a release would.
 */
async function install(
  dir: string,
  binary: string,
  npmFlags: string[] = [],
  recorded: string = binary,
): Promise<Installed> {
  if (registry === undefined) throw new Error("the local registry did not start");
  const { main } = packRelease(dir, binary, { recorded });
  const prefix = join(dir, "prefix");
  // Asynchronously: the registry answers from this process meanwhile.
  const npm = await run(
    "npm",
    [
      "install",
      "--global",
      "--no-audit",
      "--no-fund",
      "--foreground-scripts",
      "--prefix",
      prefix,
      ...npmFlags,
      main,
    ],
    {
      env: {
        ...(process.env as Record<string, string>),
        npm_config_registry: `${registry.url}/`,
        npm_config_cache: join(dir, "npm-cache"),
        npm_config_update_notifier: "false",
      },
      timeoutMs: 180_000,
    },
  );
  assert.equal(npm.code, 0, `npm install: ${npm.stderr}`);
  assert.ok(
    existsSync(
      join(prefix, "lib", "node_modules", "kube-credential-cache", "node_modules", PLATFORM_PACKAGE),
    ),
    "npm installed the platform package under the main package",
  );
  assert.ok(
    !existsSync(join(prefix, "lib", "node_modules", "kube-credential-cache", "node_modules", "@napi-rs")),
    "no secret-store binding on Linux",
  );
  return { bin: join(prefix, "bin"), npmOutput: `${npm.stdout}${npm.stderr}` };
}

function realBinary(dir: string): string {
  return join(dir, LINUX_X64_BINARY);
}

/** A shell script standing in for the binary; it cannot tell which name it was started under. */
function standIn(dir: string, name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** The lines the install script printed. */
function scriptLines(npmOutput: string): string[] {
  return npmOutput
    .split("\n")
    .filter((line) => line.includes("kube-credential-cache: "))
    .map((line) => line.slice(line.indexOf("kube-credential-cache: ")));
}

function isNodeLauncher(file: string): boolean {
  return readFileSync(realpathSync(file), "utf8").startsWith("#!/usr/bin/env node\n");
}

test("with install scripts off, the commands stay the Node launchers and still work", async (t) => {
  const where = scratch(t);
  if (where === undefined) return;
  // A stand-in of this very release: it would replace the launchers if the script ran.
  const binary = standIn(where.dir, "stand-in", `echo "kcc-cache ${VERSION}"`);
  const { bin } = await install(where.dir, binary, ["--ignore-scripts"]);
  for (const command of COMMANDS) assert.ok(isNodeLauncher(join(bin, command)), `${command} is the launcher`);
  await assertHit(useSandbox(t), join(bin, "kcc-cache"));
});

const refused = [
  // what, the stand-in's script, the line the install script prints
  [
    "of another release",
    "echo 'kcc-cache 0.0.1-other'",
    /says "kcc-cache 0\.0\.1-other" as kcc-cache, expected version/,
  ],
  // Right as kcc-cache, wrong as kcc-injector: neither launcher is replaced.
  [
    "that answers as kcc-cache under both names",
    `echo "kcc-cache ${VERSION}"`,
    /says "kcc-cache [^"]*" as kcc-injector, expected version/,
  ],
  ["that does not start", "exit 127", /Command failed: /],
] as const;

for (const [what, script, line] of refused) {
  test(`a platform binary ${what} leaves both launchers (one line)`, async (t) => {
    const where = scratch(t);
    if (where === undefined) return;
    const { bin, npmOutput } = await install(where.dir, standIn(where.dir, "stand-in", script));
    for (const command of COMMANDS)
      assert.ok(isNodeLauncher(join(bin, command)), `${command} is the launcher`);
    const lines = scriptLines(npmOutput);
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(lines[0] ?? "", /^kube-credential-cache: kcc-cache and kcc-injector stay on Node: /);
    assert.match(lines[0] ?? "", line);
    assert.deepEqual(
      readdirSync(join(dirname(bin), "lib", "node_modules", "kube-credential-cache", "bin")).sort(),
      [...COMMANDS],
      "no staged file is left behind",
    );
    assert.match(
      execFileSync(join(bin, "kcc-injector"), ["--version"], { encoding: "utf8" }),
      versionLine("kcc-injector"),
    );
    await assertHit(useSandbox(t), join(bin, "kcc-cache"));
  });
}

test("a platform binary other than the one the release recorded is never run, and leaves both launchers (one line)", async (t) => {
  const where = scratch(t);
  if (where === undefined) return;
  // An impostor of this very release, as whoever took the platform package's name could publish: it
  // would pass the version check, and leaves a mark if anything runs it.
  const ran = join(where.dir, "impostor-ran");
  const impostor = standIn(where.dir, "impostor", `touch '${ran}'\necho "kcc-cache ${VERSION}"`);
  const { bin, npmOutput } = await install(where.dir, impostor, [], realBinary(where.binaries));
  for (const command of COMMANDS) assert.ok(isNodeLauncher(join(bin, command)), `${command} is the launcher`);
  assert.ok(!existsSync(ran), "the install script did not run a binary it could not match");
  const platformDir = join(dirname(bin), "lib", "node_modules", "kube-credential-cache", "node_modules");
  assert.deepEqual(scriptLines(npmOutput), [
    "kube-credential-cache: kcc-cache and kcc-injector stay on Node: " +
      `${join(platformDir, PLATFORM_PACKAGE, "bin", "kube-credential-cache")} ` +
      "is not the binary this release recorded (its sha256 differs)",
  ]);
  await assertHit(useSandbox(t), join(bin, "kcc-cache"));
});
