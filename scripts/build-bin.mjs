// Builds the standalone binaries (`npm run build:bin`, which runs this file with the pinned bun):
// dist/bin/<command>-<os>-<arch>[.exe] for every target, and dist/bin/SHA256SUMS. Each binary is the
// same TypeScript as the npm package, compiled by `bun build --compile` with its bytecode precompiled,
// and embeds the secret-store addon of its own platform only. `bun scripts/build-bin.mjs linux-x64`
// builds only the targets named.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

if (typeof Bun === "undefined") {
  console.error("build-bin: run me with bun (`npm run build:bin`), not node");
  process.exit(2);
}

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const keyringVersion = lock.packages["node_modules/@napi-rs/keyring"].version;
const out = join(root, "dist", "bin");
// Addons fetched for other platforms live here, so later builds need no network.
const cache = process.env.KCC_BUILD_CACHE ?? join(root, "node_modules", ".cache", "kcc-build-bin");

// `bun` is bun's name for the platform; `addon` is the napi-rs platform suffix of @napi-rs/keyring.
// linux-x64 names bun's baseline build: it runs on any x86-64 CPU, as the Go original does, where
// bun's "modern" builds need AVX2, which older CPUs and some virtual machines lack (SIGILL at start).
const TARGETS = [
  { name: "linux-x64", bun: "bun-linux-x64-baseline", addon: "linux-x64-gnu" },
  { name: "linux-arm64", bun: "bun-linux-arm64", addon: "linux-arm64-gnu" },
  { name: "darwin-x64", bun: "bun-darwin-x64", addon: "darwin-x64" },
  { name: "darwin-arm64", bun: "bun-darwin-arm64", addon: "darwin-arm64" },
  { name: "windows-x64", bun: "bun-windows-x64", addon: "win32-x64-msvc", exe: ".exe" },
];
const COMMANDS = ["kcc-cache", "kcc-injector"];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !TARGETS.some((target) => target.name === name));
if (unknown.length > 0) {
  console.error(
    `build-bin: unknown target ${unknown.join(", ")} (known: ${TARGETS.map((t) => t.name).join(", ")})`,
  );
  process.exit(2);
}
const targets = wanted.length === 0 ? TARGETS : TARGETS.filter((target) => wanted.includes(target.name));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = performance.now();
const built = [];
for (const target of targets) {
  const shim = addonShim(target.addon);
  for (const command of COMMANDS) {
    const file = `${command}-${target.name}${target.exe ?? ""}`;
    await compile(join(root, "src", "cli", `${command}-main.ts`), target.bun, join(out, file), shim);
    built.push(file);
  }
}
writeFileSync(
  join(out, "SHA256SUMS"),
  built.map((file) => `${sha256(readFileSync(join(out, file)))}  ${file}\n`).join(""),
);
console.log(`build-bin: ${built.length} binaries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const file of built)
  console.log(`  ${file}  ${(readFileSync(join(out, file)).length / 1e6).toFixed(1)} MB`);

async function compile(entry, bunTarget, outfile, shim) {
  const result = await Bun.build({
    entrypoints: [entry],
    target: "bun",
    format: "cjs",
    minify: true,
    bytecode: true,
    sourcemap: "none",
    define: { KCC_VERSION: JSON.stringify(pkg.version) },
    compile: {
      target: bunTarget,
      outfile,
      // A binary that read .env or bunfig.toml from the working directory would let any directory
      // kubectl runs in change its settings or preload code: it reads neither.
      autoloadDotenv: false,
      autoloadBunfig: false,
      autoloadTsconfig: false,
      autoloadPackageJson: false,
    },
    plugins: [
      {
        name: "one-keyring-addon",
        setup(build) {
          // @napi-rs/keyring's own loader picks a platform package at run time (and honours an
          // environment variable naming any library to load); the binary requires its own addon directly.
          build.onResolve({ filter: /^@napi-rs\/keyring$/ }, () => ({ path: shim }));
        },
      },
    ],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error(`build-bin: ${basename(outfile)} failed`);
  }
  chmodSync(outfile, 0o755);
}

/** A one-line module that requires the platform's keyring addon by a static path, which bun embeds. */
function addonShim(addon) {
  const dir = join(cache, `keyring-${addon}-${keyringVersion}`);
  const node = join(dir, `keyring.${addon}.node`);
  if (!existsSync(node)) fetchAddon(addon, dir, node);
  const shim = join(dir, "index.cjs");
  writeFileSync(shim, `module.exports = require(${JSON.stringify(`./keyring.${addon}.node`)});\n`);
  return shim;
}

/** Copies the addon from node_modules when npm installed it, else packs it, checked against the lock file. */
function fetchAddon(addon, dir, node) {
  const name = `@napi-rs/keyring-${addon}`;
  mkdirSync(dir, { recursive: true });
  const installed = join(root, "node_modules", name);
  if (existsSync(join(installed, "package.json"))) {
    const { version } = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    if (version === keyringVersion) {
      copyFileSync(join(installed, basename(node)), node);
      return;
    }
  }
  const expected = lock.packages[`node_modules/${name}`]?.integrity;
  if (expected === undefined) throw new Error(`build-bin: ${name} is not in package-lock.json`);
  const packed = JSON.parse(
    execFileSync(
      "npm",
      ["pack", "--json", "--silent", "--pack-destination", dir, `${name}@${keyringVersion}`],
      {
        encoding: "utf8",
      },
    ),
  )[0];
  const tarball = join(dir, packed.filename);
  const actual = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (actual !== expected)
    throw new Error(`build-bin: ${name}@${keyringVersion} does not match package-lock.json`);
  execFileSync("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1", `package/${basename(node)}`]);
  rmSync(tarball);
}

function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}
