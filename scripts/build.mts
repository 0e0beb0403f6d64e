// Bundles both commands into CommonJS with Rolldown (docs/startup.md, "How the Node build is shaped":
// CJS starts faster than ESM, and bundled code loads 2-3x faster than unbundled imports), split so
// that a cache hit reads and compiles only the code a hit runs, and every source module lands in
// exactly one output file:
//
// - dist/<command>.cjs holds everything the command imports statically (scripts/bundle-plan.ts): a hit
//   reads dist/kcc-cache.cjs and built-ins only. It exports `main`, which runs the command, and runs it
//   itself only when it is the program (`node dist/kcc-cache.cjs`): bin/<command> calls `main`, and the
//   other chunks load it as a library for the modules they share with it.
// - Every import() target, and what only such targets share, is Rolldown's own code splitting, loaded
//   with require() at the moment the import() runs (dynamicImportInCjs: false).
// - scripts/bundle-check.ts fails the build if a module was rendered into two chunks, or if a chunk
//   still loads a file with import().
//
// `node --import tsx scripts/build.mts` (npm run build); an ES module because Rolldown is one.
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown, type InputOptions, type OutputChunk, type Plugin } from "rolldown";
import { parseAst } from "rolldown/parseAst";
import { buildCommit } from "./build-commit.mjs";
import { findCopiedModule, findLoaderImport } from "./bundle-check.js";
import { commandChunks, packageChunk } from "./bundle-plan.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
// Each command's process binding, src/cli/<command>-process.ts, exports the function that runs it.
const COMMANDS = [
  { name: "kcc-cache", source: "src/cli/kcc-cache-process.ts", run: "runCacheProcess" },
  { name: "kcc-injector", source: "src/cli/kcc-injector-process.ts", run: "runInjectorProcess" },
] as const;
/** The entry module of a command: its process binding's run function, exported as `main`. */
const ENTRY_PREFIX = "\0kcc-entry:";
const common = {
  platform: "node",
  // Native addons cannot be bundled; they are loaded from node_modules on the paths that need them.
  external: [/^@napi-rs\/keyring-/],
  transform: {
    target: "node20",
    define: { KCC_VERSION: JSON.stringify(pkg.version), KCC_COMMIT: JSON.stringify(buildCommit(root)) },
  },
} satisfies InputOptions;

let owners: Map<string, string> | undefined;
const bundle = await rolldown({
  ...common,
  input: Object.fromEntries(COMMANDS.map((command) => [command.name, `${ENTRY_PREFIX}${command.name}`])),
  plugins: [commandEntries()],
  // Lets a command's chunk take in the modules it shares with the other chunks and export them.
  preserveEntrySignatures: "allow-extension",
});
// Only our own bundles: dist/ also holds the standalone binaries (dist/bin) and releases (dist/release),
// which `npm pack`'s prepack build must not wipe.
mkdirSync("dist", { recursive: true });
for (const name of readdirSync("dist")) if (name.endsWith(".cjs")) rmSync(`dist/${name}`, { force: true });
const { output } = await bundle.write({
  dir: "dist",
  format: "cjs",
  entryFileNames: "[name].cjs",
  chunkFileNames: "[name].cjs",
  minify: true,
  comments: false,
  dynamicImportInCjs: false,
  banner: (chunk) => (chunk.isEntry ? "#!/usr/bin/env node" : ""),
  footer: (chunk) => (chunk.isEntry ? "require.main===module&&module.exports.main();" : ""),
  codeSplitting: {
    groups: [
      {
        debugName: "commands",
        name: (id, context) => {
          // One graph per build: its owners are worked out on the first call.
          owners ??= commandChunks(
            COMMANDS.map((command) => ({ name: command.name, entry: `${ENTRY_PREFIX}${command.name}` })),
            // An external's id (node:fs) is in the map too, harmlessly: only bundled modules are asked.
            (of) => context.getModuleInfo(of)?.importedIds ?? [],
          );
          return owners.get(id) ?? null;
        },
        priority: 2,
      },
      { debugName: "packages", name: (id) => packageChunk(id) ?? null, priority: 1 },
    ],
  },
});
await bundle.close();
const chunks = output
  .filter((file): file is OutputChunk => file.type === "chunk")
  .map((chunk) => ({
    fileName: `dist/${chunk.fileName}`,
    moduleIds: chunk.moduleIds.map((id) => (id.startsWith(root) ? relative(root, id) : id)),
    program: parseAst(chunk.code),
  }));
const offence = findCopiedModule(chunks) ?? findLoaderImport(chunks);
if (offence !== undefined) {
  console.error(offence);
  process.exit(1);
}
for (const command of COMMANDS) chmodSync(`dist/${command.name}.cjs`, 0o755);
await writeManPages();

/** The entry modules: `export { <run> as main } from "<process binding>"` for each command. */
function commandEntries(): Plugin {
  return {
    name: "kcc-command-entries",
    resolveId: (id) => (id.startsWith(ENTRY_PREFIX) ? id : null),
    load(id) {
      const command = COMMANDS.find((c) => id === `${ENTRY_PREFIX}${c.name}`);
      if (command === undefined) return null;
      return `export { ${command.run} as main } from ${JSON.stringify(resolve(root, command.source))};`;
    },
  };
}

/**
 * dist/man/<command>.1, written by src/cli/man-pages.ts from the descriptions --help prints: bundled on
 * its own (no command reaches it) with the same defines, and run here.
 */
async function writeManPages(): Promise<void> {
  const pages = await rolldown({ ...common, input: "src/cli/man-pages.ts" });
  const { output: generated } = await pages.generate({ format: "esm", codeSplitting: false });
  await pages.close();
  const source = generated[0].code;
  const { manPages } = (await import(
    `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`
  )) as typeof import("../src/cli/man-pages.js");
  rmSync("dist/man", { recursive: true, force: true });
  mkdirSync("dist/man");
  for (const page of manPages()) writeFileSync(`dist/man/${page.name}`, page.text);
}
