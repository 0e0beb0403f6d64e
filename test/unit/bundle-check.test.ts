import assert from "node:assert/strict";
import { test } from "node:test";
import { findCopiedModule, findLoaderImport } from "../../scripts/bundle-check.mjs";

// An output of a synthetic metafile: the inputs esbuild bundled into it.
const out = (...inputs: string[]): { inputs: Record<string, unknown> } => ({
  inputs: Object.fromEntries(inputs.map((input) => [input, { bytesInOutput: 1 }])),
});

test("the build check names the first module bundled into two outputs, and passes one output per module", () => {
  const cases: [Record<string, { inputs: Record<string, unknown> }>, string | undefined][] = [
    [{ "dist/a.cjs": out("src/a.ts", "src/x.ts"), "dist/b.cjs": out("src/b.ts") }, undefined],
    [
      { "dist/a.cjs": out("src/a.ts", "src/x.ts"), "dist/b.cjs": out("src/b.ts", "src/x.ts") },
      "build: src/x.ts is bundled into 2 outputs (dist/a.cjs, dist/b.cjs); each module must land in exactly one",
    ],
    [
      {
        "dist/a.cjs": out("node_modules/yaml/dist/index.js"),
        "dist/b.cjs": out("node_modules/yaml/dist/index.js"),
        "dist/c.cjs": out("node_modules/yaml/dist/index.js"),
      },
      "build: node_modules/yaml/dist/index.js is bundled into 3 outputs (dist/a.cjs, dist/b.cjs, dist/c.cjs); each module must land in exactly one",
    ],
    [
      { "dist/a.cjs": out("other-output:src/x.ts"), "dist/b.cjs": out("other-output:src/x.ts", "src/x.ts") },
      undefined,
    ],
    [{}, undefined],
  ];
  for (const [outputs, expected] of cases) assert.equal(findCopiedModule({ outputs }), expected);
});

test("the build check names an output that import()s another file, and passes requires and bundled imports", () => {
  type Imports = { path: string; kind: string; external?: boolean }[];
  const cases: [Record<string, { imports?: Imports }>, string | undefined][] = [
    [
      { "dist/a.cjs": { imports: [{ path: "./lazy-b.cjs", kind: "require-call", external: true }] } },
      undefined,
    ],
    [{ "dist/a.cjs": { imports: [{ path: "src/b.ts", kind: "dynamic-import" }] } }, undefined],
    [
      {
        "dist/a.cjs": { imports: [{ path: "node:fs", kind: "require-call", external: true }] },
        "dist/b.cjs": { imports: [{ path: "node:child_process", kind: "dynamic-import", external: true }] },
      },
      "build: dist/b.cjs loads node:child_process with import(), which starts Node's ES module loader; require it instead",
    ],
    [{ "dist/a.cjs": {} }, undefined],
  ];
  for (const [outputs, expected] of cases) assert.equal(findLoaderImport({ outputs }), expected);
});
