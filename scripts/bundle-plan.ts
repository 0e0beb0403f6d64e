// Which chunk Rolldown puts a module in, where its own code splitting would choose otherwise (the
// build's codeSplitting groups, scripts/build.mts). Pure: the module graph in, chunk names out.
//
// - A command's chunk holds every module its entry reaches through static imports, so a cache hit reads
//   dist/kcc-cache.cjs alone: Rolldown left to itself puts what both commands import in a chunk of its
//   own, a second file on every hit. A module both commands reach goes to the first command listed
//   (kcc-cache: the hit path); the other loads that chunk as a library.
// - A package from node_modules that only lazy code reaches gets a chunk named after the package
//   (dist/yaml.cjs rather than the dist.cjs its file name would give).
// - Everything else is Rolldown's: a chunk per import() target, and one per set of them sharing modules.

export interface Command {
  /** The chunk's name: dist/<name>.cjs. */
  readonly name: string;
  /** The command's entry module, as the graph names it. */
  readonly entry: string;
}

/**
 * Each module a command reaches through static imports, and that command's name.
 * @param staticImports a module's static imports, bundled modules only
 */
export function commandChunks(
  commands: readonly Command[],
  staticImports: (id: string) => readonly string[],
): Map<string, string> {
  const owner = new Map<string, string>();
  for (const command of commands) {
    const queue = [command.entry];
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      if (owner.has(id)) continue;
      owner.set(id, command.name);
      queue.push(...staticImports(id).filter((next) => !owner.has(next)));
    }
  }
  return owner;
}

/**
 * The package a module in node_modules belongs to (the innermost), as a file name (`@napi-rs/keyring`:
 * napi-rs-keyring); undefined for our own modules.
 */
export function packageChunk(id: string): string | undefined {
  const match = /^.*[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id);
  return match?.[1]?.replace("@", "").replace(/[\\/]/, "-");
}
