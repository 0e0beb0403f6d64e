// The build's guard that no source module is copied into two output files: a second copy would have
// its own classes (so `instanceof` fails across them) and its own module state, and costs its bytes
// twice. Pure: esbuild metafiles in, the first offence as one line out.

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
