// Builds the standalone binaries (`npm run build:bin`, which runs this file with the pinned bun):
// dist/bin/kube-credential-cache-<os>-<arch>[.exe] for every target, and dist/bin/SHA256SUMS. Each is
// both commands, chosen by the name it is started under (src/core/command-choice.ts): one bun runtime
// per platform instead of two. It is the same TypeScript as the npm package, compiled by
// `bun build --compile` with its bytecode precompiled. The macOS and Windows binaries embed the
// secret-store addon of their own platform only; the Linux ones none, as on Linux kcc-cache speaks the
// Secret Service over D-Bus itself and never loads it. The bun runtime each binary is built on
// takes none of bun's runtime variables from the environment (docs/bun-environment.md).
// `bun scripts/build-bin.mjs linux-x64` builds only the targets named.
// The bytecode of every binary is laid out by the profiles in scripts/bytecode-order/ (what a hit
// reads first, at the front: docs/startup.md, "Bytecode laid out by a hit"), which
// scripts/bytecode-order.ts records; for that it asks this script for a profiling build
// (KCC_BUILD_PROFILING=1, into KCC_BUILD_OUT): the runtime as bun ships it, whose profiler the
// binaries we ship do not obey, and no layout of its own.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { BIN_TARGETS as TARGETS } from "./bin-targets.mjs";
import { buildCacheDir, cachedRuntimeFile } from "./build-cache.mjs";
import { buildCommit } from "./build-commit.mjs";

const runningBun = /** @type {{ Bun?: import("./bun.js").BunGlobal }} */ (/** @type {unknown} */ (globalThis))
  .Bun;
if (runningBun === undefined) {
  console.error("build-bin: run me with bun (`npm run build:bin`), not node");
  process.exit(2);
}
const bun = runningBun;

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
// JSON.parse typed to give `unknown`, which each reader then states the shape of.
/** @type {(text: string) => unknown} */
const parseJson = JSON.parse;
/** @typedef {{ version: string, integrity?: string }} LockedPackage */
const pkg = /** @type {{ version: string, optionalDependencies?: Record<string, string> }} */ (
  parseJson(readFileSync(join(root, "package.json"), "utf8"))
);
const lock = /** @type {{ packages: Record<string, LockedPackage> }} */ (
  parseJson(readFileSync(join(root, "package-lock.json"), "utf8"))
);
const profiling = process.env["KCC_BUILD_PROFILING"] === "1";
const out = process.env["KCC_BUILD_OUT"] ?? join(root, "dist", "bin");
/** The hit profiles, most common first: the desktop default (a secret store), then the file store. */
const BYTECODE_ORDER = ["hit-keyring.order", "hit-file.order"]
  .map((name) => join(root, "scripts", "bytecode-order", name))
  .filter((path) => existsSync(path));
const commit = buildCommit(root);
// Addons and bun runtimes fetched for other platforms live here, so later builds need no network.
const cache = buildCacheDir(root);
/** @typedef {import("./bin-targets.mjs").BinTarget} Target */

// What bun's runtime reads from the environment before our code runs, or instead of it: any runtime
// flag (a preload from the working directory among them), bun's own CLI in place of kcc-cache, a
// debugger that listens on a port and can hold the call until one attaches, and the bytecode profilers
// that write their record at exit to whatever path they are given, replacing a file there. Each is
// read by its name, stored once in the runtime as a NUL-terminated string: the build blanks the name's
// first byte in the runtime it compiles with, so that no variable can match it
// (docs/bun-environment.md).
const IGNORED_VARIABLES = [
  "BUN_OPTIONS",
  "BUN_BE_BUN",
  "BUN_INSPECT",
  "BUN_BYTECODE_ORDER_OUT",
  "BUN_BYTECODE_ORDER_NAMES_OUT",
  "BUN_BYTECODE_DIGEST_OUT",
];
const PROGRAM = "kube-credential-cache";

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
  const runtime = profiling ? plainRuntime(target) : quietRuntime(target);
  const file = `${PROGRAM}-${target.name}${target.exe ?? ""}`;
  const libcFs = target.name.startsWith("linux-");
  await compile(join(root, "src", "cli", "kcc-main.ts"), target.bun, runtime, join(out, file), shim, libcFs);
  built.push(file);
}
writeFileSync(
  join(out, "SHA256SUMS"),
  built.map((file) => `${sha256(readFileSync(join(out, file)))}  ${file}\n`).join(""),
);
console.log(`build-bin: ${built.length} binaries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
for (const file of built)
  console.log(`  ${file}  ${(readFileSync(join(out, file)).length / 1e6).toFixed(1)} MB`);

/**
 * @param {string} entry
 * @param {string} bunTarget
 * @param {string} runtime
 * @param {string} outfile
 * @param {string} shim
 * @param {boolean} libcFs
 */
async function compile(entry, bunTarget, runtime, outfile, shim, libcFs) {
  const result = await bun.build({
    entrypoints: [entry],
    target: "bun",
    // ES modules split at each import(): a hit loads the modules it imports and no others, and bun's
    // bundler adds no lazy-initialisation wrapper per module, whose calls made the JIT compile it at
    // start-up (docs/startup.md, "Where a binary hit's time goes").
    format: "esm",
    splitting: true,
    minify: true,
    bytecode: true,
    sourcemap: "none",
    define: { KCC_VERSION: JSON.stringify(pkg.version), KCC_COMMIT: JSON.stringify(commit) },
    compile: {
      target: bunTarget,
      outfile,
      executablePath: runtime,
      // A binary that read .env or bunfig.toml from the working directory would let any directory
      // kubectl runs in change its settings or preload code: it reads neither.
      autoloadDotenv: false,
      autoloadBunfig: false,
      autoloadTsconfig: false,
      autoloadPackageJson: false,
      // What a hit reads of its bytecode, together at the front: less of the file read and mapped.
      bytecodeOrder: profiling || BYTECODE_ORDER.length === 0 ? false : BYTECODE_ORDER,
    },
    plugins: [
      {
        name: "one-keyring-addon",
        setup(build) {
          // src/io/secret-store/keyring-addon.ts requires the platform's npm package at run time;
          // the binary requires the addon it embeds instead, or has none (Linux).
          const door = join(root, "src", "io", "secret-store", "keyring-addon.js");
          build.onResolve({ filter: /(^|\/)keyring-addon\.js$/ }, (args) =>
            resolve(dirname(args.importer), args.path) === door ? { path: shim } : undefined,
          );
        },
      },
      {
        name: "node-fs-through-libc",
        setup(build) {
          // On Linux, src/io/fs.ts (src's one door to node:fs) becomes the libc stand-in: a hit then
          // never loads bun's node:fs (docs/startup.md, "node:fs on the Linux binaries").
          if (!libcFs) return;
          const door = join(root, "src", "io", "fs.js");
          const standIn = join(root, "src", "io", "libc-fs", "node-fs.ts");
          build.onResolve({ filter: /(^|\/)fs\.js$/ }, (args) =>
            resolve(dirname(args.importer), args.path) === door ? { path: standIn } : undefined,
          );
        },
      },
    ],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error(`build-bin: ${basename(outfile)} failed`);
  }
  // Proves bun built on the runtime it was given, not one of its own.
  if (profiling) return;
  const bytes = readFileSync(outfile);
  const heard = IGNORED_VARIABLES.filter((name) => lookups(bytes, name).length > 0);
  if (heard.length > 0)
    throw new Error(
      `build-bin: ${basename(outfile)} still reads ${heard.join(", ")} (docs/bun-environment.md)`,
    );
  chmodSync(outfile, 0o755);
}

/**
 * The target's bun runtime as bun ships it, at the version running this build, fetched once into the
 * build cache.
 * @param {Target} target
 */
function plainRuntime(target) {
  const exe = target.exe ?? "";
  const original = cachedRuntimeFile(cache, target.runtime, bun.version, exe);
  if (!existsSync(original))
    fetchPackageFile(`@oven/${target.runtime}`, bun.version, `bin/bun${exe}`, original);
  return original;
}

/**
 * The target's bun runtime, at the version running this build, with the name of each IGNORED_VARIABLES
 * blanked. A name stored other than once means bun changed how it reads it: the build stops rather than
 * ship a binary that obeys it.
 * @param {Target} target
 */
function quietRuntime(target) {
  const exe = target.exe ?? "";
  const plain = plainRuntime(target);
  const bytes = readFileSync(plain);
  for (const name of IGNORED_VARIABLES) {
    const found = lookups(bytes, name);
    const [at] = found;
    if (found.length !== 1 || at === undefined)
      throw new Error(
        `build-bin: the ${target.runtime} ${bun.version} runtime stores the name ${name} ${found.length} times, not once: check docs/bun-environment.md against this bun`,
      );
    bytes[at] = 0;
  }
  const quiet = join(dirname(plain), `bun-quiet${exe}`);
  writeFileSync(quiet, bytes, { mode: 0o755 });
  return quiet;
}

/**
 * Where `name` is stored as a NUL-terminated string: the offsets of its first byte. Usually a NUL
 * precedes it too, but the compiler may pack another (length-counted) string right before it, as the
 * Windows runtime does for one name; the terminating NUL is what a lookup by name needs.
 * @param {Buffer} bytes
 * @param {string} name
 */
function lookups(bytes, name) {
  const needle = Buffer.from(`${name}\0`, "latin1");
  const found = [];
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/**
 * The binary's src/io/secret-store/keyring-addon.ts: a module whose loadKeyringAddon requires the
 * platform's keyring addon by a static path, which bun embeds; where the platform has none, one whose
 * loadKeyringAddon says so, which embeds nothing.
 * @param {string | undefined} addon
 */
function addonShim(addon) {
  if (addon === undefined) {
    const shim = join(cache, "no-keyring-addon.cjs");
    mkdirSync(cache, { recursive: true });
    const why =
      "this binary has no native secret-store binding: on Linux it speaks the Secret Service itself";
    writeFileSync(
      shim,
      `exports.loadKeyringAddon = () => {\n  throw new Error(${JSON.stringify(why)});\n};\n`,
    );
    return shim;
  }
  // The package the Node build installs for this platform, at the version package.json pins.
  const name = `@napi-rs/keyring-${addon}`;
  const version = pkg.optionalDependencies?.[name];
  if (version === undefined)
    throw new Error(`build-bin: ${name} is not an optional dependency in package.json`);
  if (lock.packages[`node_modules/${name}`]?.version !== version)
    throw new Error(`build-bin: ${name}@${version} is not in package-lock.json`);
  const dir = join(cache, `keyring-${addon}-${version}`);
  const node = join(dir, `keyring.${addon}.node`);
  if (!existsSync(node)) fetchPackageFile(name, version, basename(node), node);
  const shim = join(dir, "keyring-addon.cjs");
  writeFileSync(
    shim,
    `exports.loadKeyringAddon = () => require(${JSON.stringify(`./keyring.${addon}.node`)});\n`,
  );
  return shim;
}

/**
 * Copies `file` of the npm package `name`@`version` to `dest`: from node_modules when npm installed that
 * version, else packed from the registry (npm checks it against the registry's digest) and, when
 * package-lock.json lists that version, checked against the lock's.
 */
/**
 * @param {string} name
 * @param {string} version
 * @param {string} file
 * @param {string} dest
 */
function fetchPackageFile(name, version, file, dest) {
  const dir = dirname(dest);
  mkdirSync(dir, { recursive: true });
  const installed = join(root, "node_modules", name);
  if (existsSync(join(installed, "package.json"))) {
    const installedPackage = /** @type {{ version: string }} */ (
      parseJson(readFileSync(join(installed, "package.json"), "utf8"))
    );
    if (installedPackage.version === version) {
      copyFileSync(join(installed, file), dest);
      return;
    }
  }
  const locked = lock.packages[`node_modules/${name}`];
  const expected = locked?.version === version ? locked.integrity : undefined;
  const [packed] = /** @type {{ filename: string }[]} */ (
    parseJson(
      execFileSync("npm", ["pack", "--json", "--silent", "--pack-destination", dir, `${name}@${version}`], {
        encoding: "utf8",
      }),
    )
  );
  if (packed === undefined) throw new Error(`build-bin: npm packed nothing for ${name}@${version}`);
  const tarball = join(dir, packed.filename);
  const actual = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (expected !== undefined && actual !== expected)
    throw new Error(`build-bin: ${name}@${version} does not match package-lock.json`);
  const depth = file.split("/").length;
  execFileSync("tar", ["-xzf", tarball, "-C", dir, `--strip-components=${depth}`, `package/${file}`]);
  rmSync(tarball);
  if (join(dir, basename(file)) !== dest) renameSync(join(dir, basename(file)), dest);
}

/** @param {Buffer} bytes */
function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}
