// Every package manager installs a working pair of commands: the release's main package and its
// linux-x64 platform package, served by a registry on 127.0.0.1, installed globally by npm, pnpm,
// yarn 1 and bun as their users do (each into a HOME, prefix and cache of its own), then both commands
// run as kubectl would run them, through the link or shim the manager put on PATH. Each flow also
// records what the commands became: the standalone binary where the manager links the file itself and
// ran the install script, the Node launchers everywhere else (docs/startup.md, "What each package
// manager links"). pnpm and yarn are this repository's pinned devDependencies, bun its build's.
import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
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
import { run, type RunResult } from "./support/run.js";
import { skipOrFailUnderCi } from "./support/skip.js";

const PACKAGE = "kube-credential-cache";
const INSTALL_TIMEOUT_MS = 180_000;

type Runtime = "binary" | "node";

/** One manager's private world: where it installs, and the environment every call of it gets. */
interface World {
  readonly dir: string;
  /** The directory the manager puts the commands in (users have it on PATH). */
  readonly bin: string;
  readonly env: Record<string, string>;
  /** How many requests the registry had answered before this world was made. */
  readonly requestsBefore: number;
  readonly manager: string;
}

let scratch: string | undefined;
let registry: LocalRegistry | undefined;

// Packed once for the file: the main package as the release pins it, and the platform package of the
// linux-x64 binary in dist/bin.
before(async () => {
  if (process.env["KCC_TEST_TARGET"] !== "binary") return;
  const built = join(process.env["KCC_TEST_BINARIES"] ?? join(ROOT, "dist", "bin"), LINUX_X64_BINARY);
  if (!existsSync(built) || !existsSync(join(ROOT, "dist", "kcc-cache.cjs"))) return;
  scratch = mkdtempSync(join(tmpdir(), "kcc-package-managers-"));
  const packed = join(scratch, "packed");
  mkdirSync(packed);
  // One copy is packed and digested: a build:bin running meanwhile must not make them differ.
  const binary = join(packed, basename(built));
  copyFileSync(built, binary);
  const { main, platform } = packRelease(packed, binary, { platformSpec: VERSION });
  // The secret-store bindings are for macOS and Windows: each manager sees their documents and must
  // install none of them here.
  registry = await startLocalRegistry(join(scratch, "registry"), [], [main, platform], secretStoreBindings());
});

after(async () => {
  await registry?.close();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

/**
 * A private world for one flow, or undefined (skipped) without the binary, the Node build or the
 * manager. `bin` is relative to the world's directory.
 */
function world(t: TestContext, manager: string, bin: string): (World & { tool: string }) | undefined {
  if (binariesUnderTest(t) === undefined) return undefined;
  if (scratch === undefined || registry === undefined) {
    skipOrFailUnderCi(
      t,
      "no dist/bin linux-x64 binary or dist/kcc-cache.cjs: run `npm run build` and `npm run build:bin -- linux-x64`",
    );
    return undefined;
  }
  const tool = manager === "npm" ? "npm" : join(ROOT, "node_modules", ".bin", manager);
  if (manager !== "npm" && !existsSync(tool)) {
    skipOrFailUnderCi(t, `no ${manager} in node_modules/.bin: run \`npm ci\``);
    return undefined;
  }
  const dir = mkdtempSync(join(scratch, `${manager}-`));
  const home = join(dir, "home");
  mkdirSync(home);
  // A user config of its own, so that nothing of this machine's ~/.npmrc (or its registry) applies.
  writeFileSync(join(dir, "npmrc"), `registry=${registry.url}/\n`);
  const env: Record<string, string> = {
    PATH: `${join(dir, bin)}:${process.env["PATH"] ?? ""}`,
    HOME: home,
    XDG_CACHE_HOME: join(dir, "xdg-cache"),
    XDG_CONFIG_HOME: join(dir, "xdg-config"),
    XDG_DATA_HOME: join(dir, "xdg-data"),
    XDG_STATE_HOME: join(dir, "xdg-state"),
    npm_config_userconfig: join(dir, "npmrc"),
    npm_config_cache: join(dir, "npm-cache"),
    npm_config_registry: `${registry.url}/`,
    npm_config_update_notifier: "false",
    PNPM_HOME: join(dir, "pnpm-home"),
    BUN_INSTALL: join(dir, "bun"),
    BUN_INSTALL_CACHE_DIR: join(dir, "bun-cache"),
  };
  return { dir, bin: join(dir, bin), env, tool, requestsBefore: registry.requests.length, manager };
}

async function manager(w: World & { tool: string }, args: string[]): Promise<RunResult> {
  return run(w.tool, args, { env: w.env, cwd: w.dir, timeoutMs: INSTALL_TIMEOUT_MS });
}

function assertRan(result: RunResult, what: string): void {
  assert.equal(
    result.code,
    0,
    `${what} exited ${result.code ?? result.signal}:\n${result.stdout}${result.stderr}`,
  );
}

/**
 * The file a command on the manager's PATH runs: a symlink's target, or the file a pnpm shim hands to
 * node (`exec node "$basedir/<path>" "$@"`, relative to the shim's directory).
 */
function commandFile(bin: string, command: string): string {
  const entry = join(bin, command);
  if (lstatSync(entry).isSymbolicLink()) return realpathSync(entry);
  const target = /^\s*exec node\s+"\$basedir\/([^"]+)"/m.exec(readFileSync(entry, "utf8"))?.[1];
  assert.ok(target !== undefined, `${entry} is neither a link nor a shim naming its target`);
  return realpathSync(join(bin, target));
}

/**
 * Both commands answer, one cache hit goes through kcc-cache as kubectl calls it, and both are the
 * binary (one file) or both the Node launchers.
 */
async function assertWorks(t: TestContext, w: World, expected: Runtime): Promise<void> {
  for (const command of COMMANDS) {
    const version = await run(join(w.bin, command), ["--version"], { env: w.env });
    assert.equal(version.code, 0, `${command} --version: ${version.stderr}`);
    assert.match(version.stdout, versionLine(command));
  }
  await assertHit(useSandbox(t), join(w.bin, "kcc-cache"));
  const files = COMMANDS.map((command) => commandFile(w.bin, command));
  // The secret-store bindings are for macOS and Windows: none is installed beside the package or in
  // it (npm nests, yarn and bun hoist, pnpm links its dependencies beside it).
  const root = dirname(dirname(files[0] ?? ""));
  for (const modules of [join(root, "node_modules"), dirname(root)])
    assert.ok(!existsSync(join(modules, "@napi-rs")), `a secret-store binding is installed in ${modules}`);
  // yarn 1 fetches the tarball of every optional dependency before it checks the platform (it then
  // installs none); the others fetch only the documents that say what each is for.
  const fetched = registry?.requests
    .slice(w.requestsBefore)
    .filter((path) => path.startsWith("/tarballs/elsewhere/"));
  if (w.manager !== "yarn") assert.deepEqual(fetched, [], "a binding for another platform was downloaded");
  const runtimes = files.map((file): Runtime =>
    readFileSync(file).subarray(0, 4).equals(Buffer.from("\x7fELF", "latin1")) ? "binary" : "node",
  );
  assert.deepEqual(runtimes, [expected, expected], `the commands are ${runtimes.join(" and ")}`);
  if (expected === "binary") {
    const [cache, injector] = files.map((file) => statSync(file));
    assert.equal(cache?.ino, injector?.ino, "both commands are one file");
  }
}

test("npm install -g: the binary (npm 11 notes the script it ran)", async (t) => {
  const w = world(t, "npm", "prefix/bin");
  if (w === undefined) return;
  const install = await manager(w, [
    "install",
    "-g",
    "--prefix",
    join(w.dir, "prefix"),
    "--no-audit",
    "--no-fund",
    PACKAGE,
  ]);
  assertRan(install, "npm install -g");
  assert.match(install.stderr, /install scripts not yet covered by allowScripts/);
  await assertWorks(t, w, "binary");
});

test("npm install -g --strict-allow-scripts: refused whole; with --allow-scripts=kube-credential-cache, the binary", async (t) => {
  const w = world(t, "npm", "prefix/bin");
  if (w === undefined) return;
  const prefix = join(w.dir, "prefix");
  // npm 11.19's strict check reads <prefix>/lib before it creates it; a prefix in use has one.
  mkdirSync(join(prefix, "lib", "node_modules"), { recursive: true });
  const strict = ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", "--strict-allow-scripts"];
  const refused = await manager(w, [...strict, PACKAGE]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /ESTRICTALLOWSCRIPTS/);
  assert.ok(!existsSync(join(w.bin, "kcc-cache")), "nothing is installed");
  assertRan(
    await manager(w, [...strict, `--allow-scripts=${PACKAGE}`, PACKAGE]),
    "npm install -g --allow-scripts",
  );
  await assertWorks(t, w, "binary");
});

test("npm install -g --omit=optional: Node, as asked, though npm installs the platform package", async (t) => {
  const w = world(t, "npm", "prefix/bin");
  if (w === undefined) return;
  const prefix = join(w.dir, "prefix");
  const install = await manager(w, [
    "install",
    "-g",
    "--prefix",
    prefix,
    "--no-audit",
    "--no-fund",
    "--omit=optional",
    "--foreground-scripts", // npm shows a script's output only when it fails, or with this
    PACKAGE,
  ]);
  assertRan(install, "npm install -g --omit=optional");
  assert.ok(
    existsSync(join(prefix, "lib", "node_modules", PACKAGE, "node_modules", PLATFORM_PACKAGE)),
    "npm omits only a project's own optional dependencies, not a global package's",
  );
  await assertWorks(t, w, "node");
  assert.match(
    install.stderr,
    /kcc-cache and kcc-injector stay on Node: --omit=optional asks for no platform package/,
  );
});

test("pnpm add -g, then pnpm approve-builds -g as pnpm advises: Node, whose shims run node <file>", async (t) => {
  const w = world(t, "pnpm", "pnpm-home");
  if (w === undefined) return;
  const install = await manager(w, ["add", "-g", PACKAGE]);
  assertRan(install, "pnpm add -g");
  // pnpm 10 (the last to run on Node 20) runs no install script until it is approved.
  assert.match(
    `${install.stdout}${install.stderr}`,
    /Ignored build scripts: kube-credential-cache|approve-builds/,
  );
  await assertWorks(t, w, "node");
  const approve = await manager(w, ["approve-builds", "-g", "--all"]);
  assertRan(approve, "pnpm approve-builds -g --all");
  await assertWorks(t, w, "node");
  assert.match(
    `${approve.stdout}${approve.stderr}`,
    /kcc-cache and kcc-injector stay on Node: pnpm's shims run bin files through node/,
  );
});

test("pnpm add -g --allow-build: Node", async (t) => {
  const w = world(t, "pnpm", "pnpm-home");
  if (w === undefined) return;
  const install = await manager(w, ["add", "-g", `--allow-build=${PACKAGE}`, PACKAGE]);
  assertRan(install, "pnpm add -g --allow-build");
  await assertWorks(t, w, "node");
  assert.match(`${install.stdout}${install.stderr}`, /stay on Node: pnpm's shims/);
});

test("yarn global add (yarn 1): the binary", async (t) => {
  const w = world(t, "yarn", "prefix/bin");
  if (w === undefined) return;
  const install = await manager(w, [
    "global",
    "add",
    PACKAGE,
    "--prefix",
    join(w.dir, "prefix"),
    "--global-folder",
    join(w.dir, "yarn-global"),
    "--cache-folder",
    join(w.dir, "yarn-cache"),
    "--registry",
    w.env["npm_config_registry"] ?? "",
    "--non-interactive",
    "--no-progress",
  ]);
  assertRan(install, "yarn global add");
  await assertWorks(t, w, "binary");
});

test("bun add -g: Node until bun pm -g trust, then the binary", async (t) => {
  const w = world(t, "bun", "bun/bin");
  if (w === undefined) return;
  const registry = ["--registry", w.env["npm_config_registry"] ?? ""];
  const install = await manager(w, ["add", "-g", ...registry, PACKAGE]);
  assertRan(install, "bun add -g");
  assert.match(`${install.stdout}${install.stderr}`, /Blocked 1 postinstall/);
  await assertWorks(t, w, "node");
  assertRan(await manager(w, ["pm", "-g", "trust", PACKAGE]), "bun pm -g trust");
  await assertWorks(t, w, "binary");
});
