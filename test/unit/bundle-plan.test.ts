import assert from "node:assert/strict";
import { test } from "node:test";
import { commandChunks, packageChunk } from "../../scripts/bundle-plan.js";

// A synthetic module graph of static imports: "a>b" is a module a importing b.
function graph(...edges: string[]): (id: string) => string[] {
  const imports = new Map<string, string[]>();
  for (const edge of edges) {
    const [from = "", to = ""] = edge.split(">");
    imports.set(from, [...(imports.get(from) ?? []), to]);
  }
  return (id) => imports.get(id) ?? [];
}
const COMMANDS = [
  { name: "hit", entry: "hit.ts" },
  { name: "other", entry: "other.ts" },
];
const owners = (staticImports: (id: string) => string[]): string =>
  [...commandChunks(COMMANDS, staticImports)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, chunk]) => `${id}:${chunk}`)
    .join(" ");

const plans: [string, (id: string) => string[], string][] = [
  ["each entry alone", graph(), "hit.ts:hit other.ts:other"],
  [
    "a module both commands import goes to the first",
    graph("hit.ts>e.ts", "other.ts>e.ts"),
    "e.ts:hit hit.ts:hit other.ts:other",
  ],
  [
    "imports of imports",
    graph("hit.ts>a.ts", "a.ts>b.ts", "other.ts>c.ts", "c.ts>b.ts"),
    "a.ts:hit b.ts:hit c.ts:other hit.ts:hit other.ts:other",
  ],
  ["a cycle", graph("hit.ts>a.ts", "a.ts>hit.ts"), "a.ts:hit hit.ts:hit other.ts:other"],
  ["one command importing the other's entry", graph("other.ts>hit.ts"), "hit.ts:hit other.ts:other"],
];
for (const [name, staticImports, expected] of plans)
  test(`command chunks: ${name}`, () => {
    assert.equal(owners(staticImports), expected);
  });

const packages: [string, string | undefined][] = [
  ["/work/src/io/locks/refresh-lock.ts", undefined],
  ["/work/node_modules/yaml/dist/index.js", "yaml"],
  ["/work/node_modules/@napi-rs/keyring/index.js", "napi-rs-keyring"],
  ["/work/node_modules/a/node_modules/b/lib/x.js", "b"],
  ["C:\\work\\node_modules\\yaml\\dist\\index.js", "yaml"],
  ["\0rolldown/runtime.js", undefined],
];
for (const [id, expected] of packages)
  test(`package chunk of ${JSON.stringify(id)}`, () => {
    assert.equal(packageChunk(id), expected);
  });
