/** See bundle-plan.mjs. */
export interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}
export function planBundles(
  metafile: Metafile,
  commands: { name: string; source: string }[],
): { outputs: { name: string; modules: string[]; root: string | undefined }[]; ownerOf: Map<string, string> };
export function moduleName(id: string): string;
