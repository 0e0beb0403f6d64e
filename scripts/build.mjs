// Bundles each command into CommonJS (docs/startup.md: CJS starts faster than ESM, and bundled code loads
// 2-3x faster than unbundled imports). Every dynamic import() of our own code or of a package becomes
// a separate lazy bundle next to the command's, so the cache-hit path reads and compiles only the code a
// hit runs: the refresh machinery, YAML, locks and help text load only on the paths that use them.
import { build } from "esbuild";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
// Each command's entry is src/cli/<command>-main.ts (the self-running line); <command>.ts is its function.
const commands = ["kcc-cache", "kcc-injector"].filter((name) => existsSync(`src/cli/${name}-main.ts`));

// Only our own bundles: dist/ also holds the standalone binaries (dist/bin) and releases (dist/release),
// which `npm pack`'s prepack build must not wipe.
mkdirSync("dist", { recursive: true });
for (const name of readdirSync("dist")) if (name.endsWith(".cjs")) rmSync(`dist/${name}`, { force: true });
const built = new Map(); // absolute source path -> output file name, for lazy chunks

async function bundle(entry, outName, isCommand) {
  const lazy = [];
  await build({
    entryPoints: [entry],
    outfile: `dist/${outName}`,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: true,
    legalComments: "none",
    banner: isCommand ? { js: "#!/usr/bin/env node" } : {},
    define: { KCC_VERSION: JSON.stringify(pkg.version) },
    // Native addons cannot be bundled; they are loaded from node_modules on the paths that need them.
    external: ["@napi-rs/keyring"],
    logLevel: "warning",
    plugins: [
      {
        name: "lazy-chunks",
        setup(context) {
          context.onResolve({ filter: /.*/ }, async (args) => {
            if (args.kind !== "dynamic-import" || args.pluginData === "inner") return undefined;
            const result = await context.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: "inner",
            });
            if (result.errors.length > 0 || result.external) return result;
            const name = chunkName(result.path);
            lazy.push([result.path, name]);
            return { path: `./${name}`, external: true };
          });
        },
      },
    ],
  });
  for (const [source, name] of lazy) {
    if (built.has(source)) continue;
    built.set(source, name);
    await bundle(source, name, false);
  }
}

function chunkName(source) {
  const rel = relative(root, source);
  if (rel.startsWith("node_modules")) return `lazy-${rel.split("/")[1]}.cjs`;
  return `lazy-${basename(source).replace(/\.[cm]?[jt]s$/, "")}.cjs`;
}

for (const name of commands) {
  await bundle(`src/cli/${name}-main.ts`, `${name}.cjs`, true);
  chmodSync(`dist/${name}.cjs`, 0o755);
}
