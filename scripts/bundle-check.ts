// The build's guards, over what Rolldown says it wrote. No source module is copied into two output
// files: a second copy would have its own classes (so `instanceof` fails across them) and its own module
// state, and costs its bytes twice. No output loads another file with import(): in a CommonJS bundle
// that starts Node's ES module loader, about 8 ms on the path that reaches it (docs/startup.md).
// Pure: the chunks in, the first offence as one line out.

export interface BuiltChunk {
  readonly fileName: string;
  /** The modules Rolldown rendered into the chunk (its `moduleIds`). */
  readonly moduleIds: readonly string[];
  /** The chunk's code, parsed (an ESTree program). */
  readonly program: unknown;
}

/** An error line naming the first module in two chunks and those chunks, or undefined if none is. */
export function findCopiedModule(
  chunks: readonly Pick<BuiltChunk, "fileName" | "moduleIds">[],
): string | undefined {
  const chunksOf = new Map<string, string[]>();
  for (const { fileName, moduleIds } of chunks)
    for (const id of moduleIds) chunksOf.set(id, [...(chunksOf.get(id) ?? []), fileName]);
  for (const [id, files] of chunksOf)
    if (files.length > 1)
      return `build: ${id} is bundled into ${files.length} outputs (${files.join(", ")}); each module must land in exactly one`;
  return undefined;
}

/** An error line naming the first chunk whose code has an import() and what it loads, or undefined. */
export function findLoaderImport(
  chunks: readonly Pick<BuiltChunk, "fileName" | "program">[],
): string | undefined {
  for (const { fileName, program } of chunks) {
    const found = findImportExpression(program);
    if (found !== undefined)
      return `build: ${fileName} loads ${found} with import(), which starts Node's ES module loader; require it instead`;
  }
  return undefined;
}

/** The first ImportExpression in an ESTree, depth first: its source if a constant string, else "a computed path". */
function findImportExpression(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findImportExpression(child);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof node !== "object" || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (record["type"] === "ImportExpression") {
    return constantString(record["source"]) ?? "a computed path";
  }
  for (const value of Object.values(record)) {
    const found = findImportExpression(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A string literal's value, or a template literal's without substitutions (how minified code writes one). */
function constantString(node: unknown): string | undefined {
  if (typeof node !== "object" || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (typeof record["value"] === "string") return record["value"];
  const quasis = record["quasis"];
  if (!Array.isArray(quasis) || quasis.length !== 1) return undefined;
  const cooked = (quasis[0] as { value?: { cooked?: unknown } }).value?.cooked;
  return typeof cooked === "string" ? cooked : undefined;
}
