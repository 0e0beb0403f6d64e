import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAst } from "rolldown/parseAst";
import { findCopiedModule, findLoaderImport } from "../../scripts/bundle-check.js";

// A chunk as the build hands it over: its file, the modules Rolldown rendered into it, its parsed code.
const chunk = (fileName: string, moduleIds: string[], code = "") => ({
  fileName,
  moduleIds,
  program: parseAst(code),
});

const copied: [string, ReturnType<typeof chunk>[], string | undefined][] = [
  [
    "one chunk per module",
    [chunk("dist/a.cjs", ["src/a.ts", "src/x.ts"]), chunk("dist/b.cjs", ["src/b.ts"])],
    undefined,
  ],
  [
    "a module in two chunks",
    [chunk("dist/a.cjs", ["src/a.ts", "src/x.ts"]), chunk("dist/b.cjs", ["src/b.ts", "src/x.ts"])],
    "build: src/x.ts is bundled into 2 outputs (dist/a.cjs, dist/b.cjs); each module must land in exactly one",
  ],
  [
    "a package in three chunks",
    ["a", "b", "c"].map((name) => chunk(`dist/${name}.cjs`, ["node_modules/yaml/dist/index.js"])),
    "build: node_modules/yaml/dist/index.js is bundled into 3 outputs (dist/a.cjs, dist/b.cjs, dist/c.cjs); each module must land in exactly one",
  ],
  ["no chunks", [], undefined],
];
for (const [name, chunks, expected] of copied)
  test(`copied modules: ${name}`, () => {
    assert.equal(findCopiedModule(chunks), expected);
  });

const loaded: [string, string, string | undefined][] = [
  ["a lazy require", 'Promise.resolve().then(()=>require("./lock.cjs"))', undefined],
  ["a built-in required", "let e=require(`node:fs`);", undefined],
  [
    "import() of a chunk",
    'async function f(){return import("./lock.cjs")}',
    "build: dist/a.cjs loads ./lock.cjs with import(), which starts Node's ES module loader; require it instead",
  ],
  [
    "import() of a built-in, as minified code writes it",
    "let t=async()=>(await import(`node:child_process`)).spawn;",
    "build: dist/a.cjs loads node:child_process with import(), which starts Node's ES module loader; require it instead",
  ],
  [
    "import() of a computed path",
    "const f=n=>import(`./${n}.cjs`);",
    "build: dist/a.cjs loads a computed path with import(), which starts Node's ES module loader; require it instead",
  ],
  ["the word import in a string", 'const s="import(x)";', undefined],
];
for (const [name, code, expected] of loaded)
  test(`import() in a chunk: ${name}`, () => {
    assert.equal(findLoaderImport([chunk("dist/a.cjs", [], code)]), expected);
  });
