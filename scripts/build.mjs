// Bundles each command into CommonJS (docs/startup.md: CJS starts faster than ESM, and bundled code loads
// 2-3x faster than unbundled imports), split so that the cache-hit path reads and compiles only the code
// a hit runs and every source module lands in exactly one output file:
//
// 1. One esbuild pass over the whole program (both commands, dynamic imports followed) yields its module
//    graph (the metafile); scripts/bundle-plan.mjs assigns each module to one output: the command's own
//    bundle for everything the command reaches statically (a hit reads dist/kcc-cache.cjs alone), a lazy
//    bundle per dynamic import() target (the refresh machinery, YAML, locks, help text), and a shared
//    bundle for what several lazy bundles need.
// 2. Each output is bundled on its own. A lazy output is its import() target's module, required as it
//    was before; an import of any other module that another output holds becomes
//    `require("./<that output>")[<module>]`, and command and shared outputs export those modules. A
//    command's bundle is therefore also a library: it runs the command only when it is the program
//    (`node dist/kcc-cache.cjs`) or when bin/<command> calls its `main`, never when another bundle loads it.
// 3. scripts/bundle-check.mjs fails the build if any module was bundled into two outputs anyway.
//
// Measured on a file-store hit (docs/startup.md, "How the Node build is shaped"): the same one file and
// built-ins load as before, at the same CPU time; esbuild's own splitting (ESM only) loads 17 files, 1.21x.
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { buildCommit } from "./build-commit.mjs";
import { findCopiedModule, findLoaderImport } from "./bundle-check.mjs";
import { planBundles } from "./bundle-plan.mjs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
process.chdir(root);
// Each command's process binding, src/cli/<command>-process.ts, exports the function that runs it.
const COMMANDS = [
  { name: "kcc-cache", source: "src/cli/kcc-cache-process.ts", run: "runCacheProcess" },
  { name: "kcc-injector", source: "src/cli/kcc-injector-process.ts", run: "runInjectorProcess" },
];
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  define: { KCC_VERSION: JSON.stringify(pkg.version), KCC_COMMIT: JSON.stringify(buildCommit(root)) },
  // Native addons cannot be bundled; they are loaded from node_modules on the paths that need them.
  external: ["@napi-rs/keyring"],
  logLevel: "warning",
};

// Only our own bundles: dist/ also holds the standalone binaries (dist/bin) and releases (dist/release),
// which `npm pack`'s prepack build must not wipe.
mkdirSync("dist", { recursive: true });
for (const name of readdirSync("dist")) if (name.endsWith(".cjs")) rmSync(`dist/${name}`, { force: true });

const whole = await build({
  ...common,
  entryPoints: COMMANDS.map((command) => command.source),
  format: "esm",
  splitting: true,
  outdir: "dist",
  write: false,
  metafile: true,
});
const plan = planBundles(whole.metafile, COMMANDS);
// Modules that some other output imports: the ones an output must export.
const imported = new Set(
  Object.entries(whole.metafile.inputs).flatMap(([from, { imports }]) =>
    imports
      .filter((i) => !i.external && plan.ownerOf.get(i.path) !== plan.ownerOf.get(from))
      .map((i) => i.path),
  ),
);

const lazyRoots = new Set(plan.outputs.map((output) => output.root).filter(Boolean));
const outputs = {};
for (const output of plan.outputs) {
  const command = COMMANDS.find((c) => `${c.name}.cjs` === output.name);
  // A lazy output is its dynamic import() target's module, as a plain CommonJS module; a command or
  // shared output exports each module that another output imports under that module's path.
  const exported = output.modules.filter((id) => imported.has(id) && !lazyRoots.has(id));
  const lines = exported.map(
    (id) => `export * as ${JSON.stringify(exportKey(id))} from ${JSON.stringify(`./${id}`)};`,
  );
  if (command) lines.push(`export { ${command.run} as main } from ${JSON.stringify(`./${command.source}`)};`);
  const result = await build({
    ...common,
    ...(output.root
      ? { entryPoints: [output.root] }
      : {
          stdin: {
            contents: lines.join("\n"),
            resolveDir: root,
            sourcefile: `(${output.name})`,
            loader: "js",
          },
        }),
    outfile: `dist/${output.name}`,
    format: "cjs",
    minify: true,
    legalComments: "none",
    metafile: true,
    ...(command && {
      banner: { js: "#!/usr/bin/env node" },
      footer: { js: "require.main===module&&module.exports.main();" },
    }),
    plugins: [fromOtherOutputs(output.name)],
  });
  Object.assign(outputs, result.metafile.outputs);
}
const offence = findCopiedModule({ outputs }) ?? findLoaderImport({ outputs });
if (offence) {
  console.error(offence);
  process.exit(1);
}
for (const command of COMMANDS) chmodSync(`dist/${command.name}.cjs`, 0o755);
await writeManPages();

/**
 * dist/man/<command>.1, written by src/cli/man-pages.ts from the descriptions --help prints: bundled on
 * its own (no command reaches it) and run here.
 */
async function writeManPages() {
  const bundled = await build({
    ...common,
    entryPoints: ["src/cli/man-pages.ts"],
    format: "esm",
    write: false,
  });
  const source = bundled.outputFiles[0].text;
  const { manPages } = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
  rmSync("dist/man", { recursive: true, force: true });
  mkdirSync("dist/man");
  for (const page of manPages()) writeFileSync(`dist/man/${page.name}`, page.text);
}

/** Resolves every import as usual, and serves one whose module another output holds from that output. */
function fromOtherOutputs(outputName) {
  return {
    name: "from-other-outputs",
    setup(context) {
      context.onResolve({ filter: /.*/ }, async (args) => {
        if (args.namespace === "other-output" || args.namespace === "required-later")
          return { path: args.path, external: true };
        if (args.pluginData === "inner" || args.kind === "entry-point") return undefined;
        const result = await context.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: "inner",
        });
        if (result.errors.length > 0) return result;
        if (result.external) return args.kind === "dynamic-import" ? requiredLater(args.path) : result;
        const id = relative(root, result.path);
        const owner = plan.ownerOf.get(id);
        if (owner === undefined) throw new Error(`build: ${id} is not in the module graph`);
        if (owner === outputName) return result;
        if (lazyRoots.has(id)) return requiredLater(`./${owner}`);
        return { path: id, namespace: "other-output", pluginData: owner };
      });
      context.onLoad({ filter: /.*/, namespace: "other-output" }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${args.pluginData}`)})[${JSON.stringify(exportKey(args.path))}];`,
        loader: "js",
      }));
      context.onLoad({ filter: /.*/, namespace: "required-later" }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/**
 * An import() of another output or of a built-in, as a require() made when the import() runs. Left to
 * itself, esbuild keeps a CommonJS bundle's import() of an external file, and Node then starts its ES
 * module loader for it: about 8 ms on the first one, against 1 ms for require() (docs/startup.md). The
 * import() stays lazy: esbuild runs the wrapped require only when the import() is reached.
 */
function requiredLater(path) {
  return { path, namespace: "required-later" };
}

/** The name an output exports a module under: its path, without src/, node_modules/ or extension. */
function exportKey(id) {
  return id.replace(/^(?:.*\/)?node_modules\/|^src\//, "").replace(/\.[cm]?[jt]s$/, "");
}
