// Bundles each command into one CommonJS file (PROTOCOL.md: CJS starts faster than ESM, and one
// bundled file loads 2-3x faster than unbundled imports). Modules reached only by dynamic import()
// stay lazy inside the bundle: parsed, but not run, on the cache-hit path.
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const entries = ["kcc-cache", "kcc-injector"].filter((name) => existsSync(`src/cli/${name}.ts`));

await Promise.all(
  entries.map((name) =>
    build({
      entryPoints: [`src/cli/${name}.ts`],
      outfile: `dist/${name}.cjs`,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      minify: true,
      legalComments: "none",
      banner: { js: "#!/usr/bin/env node" },
      define: { KCC_VERSION: JSON.stringify(pkg.version) },
      // Native addons cannot be bundled; they are loaded from node_modules on the paths that need them.
      external: ["@napi-rs/keyring"],
      logLevel: "warning",
    }),
  ),
);
