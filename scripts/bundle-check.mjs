// The build's guards. No source module is copied into two output files: a second copy would have its
// own classes (so `instanceof` fails across them) and its own module state, and costs its bytes twice.
// No output loads another file with import(): in a CommonJS bundle that starts Node's ES module loader,
// about 8 ms on the path that reaches it (scripts/build.mjs turns each into a require() made later).
// Pure: esbuild metafiles in, the first offence as one line out.

/**
 * @param {{ outputs: Record<string, { inputs: Record<string, unknown> }> }} metafile
 * @returns {string | undefined} an error line naming the module and its outputs, or undefined if none is copied
 */
export function findCopiedModule(metafile) {
  const outputsOf = new Map();
  for (const [output, { inputs }] of Object.entries(metafile.outputs))
    for (const input of Object.keys(inputs)) {
      // "namespace:path" inputs are the build's own generated stubs (an import served by another output).
      if (/^[a-z-]+:/.test(input)) continue;
      outputsOf.set(input, [...(outputsOf.get(input) ?? []), output]);
    }
  for (const [input, outputs] of outputsOf)
    if (outputs.length > 1)
      return `build: ${input} is bundled into ${outputs.length} outputs (${outputs.join(", ")}); each module must land in exactly one`;
  return undefined;
}

/**
 * @param {{ outputs: Record<string, { imports?: { path: string; kind: string; external?: boolean }[] }> }} metafile
 * @returns {string | undefined} an error line naming the output and what it import()s, or undefined if none does
 */
export function findLoaderImport(metafile) {
  for (const [output, { imports = [] }] of Object.entries(metafile.outputs)) {
    const found = imports.find((i) => i.kind === "dynamic-import" && i.external === true);
    if (found)
      return `build: ${output} loads ${found.path} with import(), which starts Node's ES module loader; require it instead`;
  }
  return undefined;
}
