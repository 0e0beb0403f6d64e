// What scripts/build-bin.mjs uses of bun's global `Bun`: that script runs under bun, every other one
// under node. Types of a module rather than @types/bun, whose globals would change node's (and the
// `Bun` that src/ probes for) across the whole project.

export interface BunBuildPlugin {
  name: string;
  setup(build: {
    /** Undefined leaves the import to bun's own resolution. */
    onResolve(
      options: { filter: RegExp },
      resolve: (args: { path: string; importer: string }) => { path: string } | undefined,
    ): void;
  }): void;
}

export interface BunBuildOptions {
  entrypoints: string[];
  target: "bun";
  format: "cjs" | "esm";
  /** Code splitting at each import() (ES modules only). */
  splitting: boolean;
  minify: boolean;
  bytecode: boolean;
  sourcemap: "none";
  define: Record<string, string>;
  compile: {
    target: string;
    outfile: string;
    executablePath: string;
    autoloadDotenv: boolean;
    autoloadBunfig: boolean;
    autoloadTsconfig: boolean;
    autoloadPackageJson: boolean;
    /** Profiles of earlier runs (BUN_BYTECODE_ORDER_OUT): what they read goes first. false: none. */
    bytecodeOrder: string[] | false;
  };
  plugins: BunBuildPlugin[];
}

export interface BunGlobal {
  readonly version: string;
  build(options: BunBuildOptions): Promise<{ success: boolean; logs: unknown[] }>;
}
