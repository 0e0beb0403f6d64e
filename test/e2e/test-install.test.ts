// The README's test command on a fresh machine: `npm test` installs the packed package globally before
// the end-to-end tests run (scripts/test-install.mjs). A fresh clone has an empty npm cache and HOME, and
// `npm ci` leaves in the cache only tarballs, not the registry's documents a global install resolves the
// dependencies with. The install must then ask the registry (here a local one), and once the cache holds
// what it needs, install again with no registry at all.
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { secretStoreBindings, startLocalRegistry } from "./support/npm-registry.js";
import { versionLine } from "./support/npm-release-packages.js";
import { run } from "./support/run.js";
import { skipOrFailUnderCi } from "./support/skip.js";

const ROOT = resolve(__dirname, "..", "..");
/** The secret-store bindings the package lists, one per platform that loads one (macOS, Windows). */
const BINDINGS = secretStoreBindings();
/** Those npm installed on this machine (none on Linux); the others are for other platforms. */
const BINDINGS_HERE = BINDINGS.filter((name) => existsSync(join(ROOT, "node_modules", name, "package.json")));

test("the test install works from an empty npm cache and HOME, then from the cache alone", async (t) => {
  if (!existsSync(join(ROOT, "dist", "kcc-cache.cjs"))) {
    skipOrFailUnderCi(t, "no dist/kcc-cache.cjs: run `npm run build` first");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "kcc-test-install-"));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const registry = await startLocalRegistry(
    join(dir, "registry"),
    BINDINGS_HERE,
    [],
    BINDINGS.filter((name) => !BINDINGS_HERE.includes(name)),
  );
  let open = true;
  t.after(async () => {
    if (open) await registry.close();
  });

  const home = join(dir, "home");
  mkdirSync(home);
  // A user config of its own, so that nothing of this machine's ~/.npmrc (or its registry) applies.
  const userconfig = join(dir, "npmrc");
  writeFileSync(userconfig, "");
  const env = {
    ...process.env,
    HOME: home,
    npm_config_cache: join(dir, "npm-cache"),
    npm_config_userconfig: userconfig,
    npm_config_registry: `${registry.url}/`,
    npm_config_update_notifier: "false",
  };

  const cold = await installPackage(join(dir, "cold"), env);
  assert.ok(BINDINGS.length > 0, "package.json lists the secret-store bindings");
  for (const name of BINDINGS)
    assert.ok(registry.requests.includes(`/${name}`), `the empty cache could not say what ${name} is for`);
  assert.deepEqual(
    registry.requests.filter((path) => path.startsWith("/tarballs/elsewhere/")),
    [],
    "a binding for another platform was downloaded",
  );
  await assertInstalled(cold, env);

  await registry.close();
  open = false;
  const warm = await installPackage(join(dir, "warm"), env);
  await assertInstalled(warm, env);
});

/**
 * scripts/test-install.mjs's installPackage, in a process of its own: it blocks while npm runs, and the
 * registry must answer meanwhile from this one.
 */
async function installPackage(prefix: string, env: NodeJS.ProcessEnv): Promise<string> {
  const script = `import(${JSON.stringify(join(ROOT, "scripts", "test-install.mjs"))}).then((m) => console.log(m.installPackage(${JSON.stringify(prefix)})))`;
  const installed = await run(process.execPath, ["-e", script], {
    env: env as Record<string, string>,
    timeoutMs: 120_000,
  });
  assert.equal(installed.code, 0, `the install failed:\n${installed.stderr}`);
  return installed.stdout.trim();
}

async function assertInstalled(bin: string, env: NodeJS.ProcessEnv): Promise<void> {
  const version = await run(join(bin, "kcc-cache"), ["--version"], { env: env as Record<string, string> });
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, versionLine("kcc-cache"));
  // This platform's secret-store binding came with it and loads; no other platform's did.
  const modules = join(bin, "..", "lib", "node_modules", "kube-credential-cache", "node_modules");
  for (const name of BINDINGS_HERE) {
    const load = await run(process.execPath, ["-e", `require(${JSON.stringify(join(modules, name))})`], {
      env: env as Record<string, string>,
    });
    assert.equal(load.code, 0, load.stderr);
  }
  const installed = existsSync(join(modules, "@napi-rs")) ? readdirSync(join(modules, "@napi-rs")) : [];
  assert.deepEqual(
    installed.map((name) => `@napi-rs/${name}`),
    BINDINGS_HERE,
    "only this platform's binding is installed",
  );
  // npm links the man pages (package.json "man") where `man` finds them under the prefix.
  for (const page of ["kcc-cache.1", "kcc-injector.1"])
    assert.match(readFileSync(join(bin, "..", "share", "man", "man1", page), "utf8"), /^\.TH /m, page);
}
