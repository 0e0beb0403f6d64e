/** See bundle-check.mjs. */
export function findCopiedModule(metafile: {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}): string | undefined;
