// Type-aware lint: the rules that matter most here catch floating promises (a lost
// write or an unawaited lock release) and unsafe `any` leaking from parsed JSON.
// scripts/ is linted as src/ is (its .mjs files are type-checked through JSDoc, tsconfig.json); the
// install script and the bin/ launchers, plain CommonJS that npm runs, get ESLint's own rules.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const COMMONJS_FILES = ["postinstall.cjs", "bin/*"];
const PLAIN_FILES = COMMONJS_FILES;

export default tseslint.config(
  {
    ignores: ["dist/", "node_modules/", "coverage/", "eslint.config.mjs"],
  },
  {
    files: COMMONJS_FILES,
    ...js.configs.recommended,
    languageOptions: {
      sourceType: "commonjs",
      ecmaVersion: 2022,
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        process: "readonly",
        Buffer: "readonly",
        console: "readonly",
      },
    },
  },
  ...tseslint.configs.strictTypeChecked.map((config) => ({ ...config, ignores: PLAIN_FILES })),
  {
    ignores: PLAIN_FILES,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["test", "describe", "it", "suite"] },
          ],
        },
      ],
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unnecessary-condition": "off",
    },
  },
  {
    // src/ reaches node:fs only through src/io/fs.ts, which the Linux binaries swap for libc calls
    // (src/io/libc-fs/node-fs.ts); a direct import would load bun's node:fs on every hit again.
    files: ["src/**/*.ts"],
    ignores: ["src/io/fs.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["fs", "node:fs", "fs/promises", "node:fs/promises"].map((name) => ({
            name,
            message: "import from src/io/fs.ts instead (docs/startup.md, node:fs on the Linux binaries)",
          })),
        },
      ],
    },
  },
);
