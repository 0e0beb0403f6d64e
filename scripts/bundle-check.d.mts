/** See bundle-check.mjs. */
export function findCopiedModule(metafile: {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}): string | undefined;
/** See bundle-check.mjs. */
export function findLoaderImport(metafile: {
  outputs: Record<string, { imports?: { path: string; kind: string; external?: boolean }[] }>;
}): string | undefined;
