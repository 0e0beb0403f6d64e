import assert from "node:assert/strict";
import { test } from "node:test";
import { moduleName, planBundles, type Metafile } from "../../scripts/bundle-plan.mjs";

// A synthetic module graph: "a>b" is a static import, "a~b" a dynamic one.
function graph(...edges: string[]): Metafile {
  const inputs: Metafile["inputs"] = {};
  for (const edge of edges) {
    const [from = "", to] = edge.split(/[>~]/);
    inputs[from] ??= { imports: [] };
    if (to === undefined) continue;
    inputs[to] ??= { imports: [] };
    inputs[from].imports.push({ path: to, kind: edge.includes("~") ? "dynamic-import" : "import-statement" });
  }
  return { inputs };
}
const COMMANDS = [
  { name: "hit", source: "hit.ts" },
  { name: "other", source: "other.ts" },
];
const owners = (metafile: Metafile): string =>
  [...planBundles(metafile, COMMANDS).ownerOf]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, output]) => `${id}:${output}`)
    .join(" ");

test("each module gets one output: the first command's, a lazy one per dynamic import, or a shared one", () => {
  const cases: [Metafile, string][] = [
    [graph("hit.ts>e.ts", "other.ts>e.ts"), "e.ts:hit.cjs hit.ts:hit.cjs other.ts:other.cjs"],
    [
      graph("hit.ts~l.ts", "l.ts>e.ts", "hit.ts>e.ts", "other.ts"),
      "e.ts:hit.cjs hit.ts:hit.cjs l.ts:lazy-l.cjs other.ts:other.cjs",
    ],
    [
      graph("hit.ts~l.ts", "hit.ts~m.ts", "l.ts>s.ts", "m.ts>s.ts", "s.ts>t.ts", "other.ts"),
      "hit.ts:hit.cjs l.ts:lazy-l.cjs m.ts:lazy-m.cjs other.ts:other.cjs s.ts:shared-s.cjs t.ts:shared-s.cjs",
    ],
    [
      graph("hit.ts~l.ts", "other.ts~m.ts", "m.ts>l.ts", "l.ts>x.ts"),
      "hit.ts:hit.cjs l.ts:lazy-l.cjs m.ts:lazy-m.cjs other.ts:other.cjs x.ts:lazy-l.cjs",
    ],
    [graph("hit.ts~l.ts", "hit.ts>l.ts", "other.ts"), "hit.ts:hit.cjs l.ts:hit.cjs other.ts:other.cjs"],
    [
      graph("hit.ts~node_modules/yaml/dist/index.js", "other.ts"),
      "hit.ts:hit.cjs node_modules/yaml/dist/index.js:lazy-yaml.cjs other.ts:other.cjs",
    ],
  ];
  for (const [metafile, expected] of cases) assert.equal(owners(metafile), expected);
});

test("moduleName is a package's name in node_modules, else the file's base name", () => {
  const cases: [string, string][] = [
    ["src/io/lock.ts", "lock"],
    ["../main/node_modules/yaml/dist/index.js", "yaml"],
    ["node_modules/@napi-rs/keyring/index.js", "napi-rs-keyring"],
  ];
  for (const [id, name] of cases) assert.equal(moduleName(id), name, id);
});
