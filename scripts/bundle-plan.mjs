// Which output file each source module lands in, from an esbuild metafile of the whole program (every
// module reachable from the commands, dynamic imports followed). Pure: the metafile in, the plan out.
//
// - A command's output holds every module its entry reaches through static imports, so a cache hit
//   reads one file. A module both commands reach goes to the first command listed (kcc-cache: the hit
//   path); the other loads that output as a library.
// - Every other target of a dynamic import() starts a lazy output, holding what it reaches statically
//   and no command reaches.
// - A module that several lazy outputs reach, and no command, goes to a shared output, one per set of
//   outputs that reach it (the grouping esbuild's own code splitting uses), so it is never copied.

const STATIC_KINDS = new Set(["import-statement", "require-call", "require-resolve"]);

/**
 * @param {{ inputs: Record<string, { imports: { path: string, kind: string, external?: boolean }[] }> }} metafile
 * @param {{ name: string, source: string }[]} commands  source: the command's entry, as the metafile names it
 * @returns {{ outputs: { name: string, modules: string[], root?: string }[], ownerOf: Map<string, string> }}
 *   root: a lazy output's dynamic import() target, whose exports are the output's own
 */
export function planBundles(metafile, commands) {
  const inputs = metafile.inputs;
  const edges = (id, wanted) =>
    (inputs[id]?.imports ?? []).filter((i) => !i.external && wanted(i.kind)).map((i) => i.path);
  const staticImports = (id) => edges(id, (kind) => STATIC_KINDS.has(kind));
  const reach = (start, stopAt) => {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0)
      for (const next of staticImports(queue.pop()))
        if (!seen.has(next) && !stopAt.has(next)) {
          seen.add(next);
          queue.push(next);
        }
    return seen;
  };

  const commandReach = commands.map((command) => reach(command.source, new Set()));
  const dynamicTargets = new Set(
    Object.keys(inputs).flatMap((id) => edges(id, (kind) => kind === "dynamic-import")),
  );
  const lazyRoots = [...dynamicTargets].filter((id) => !commandReach.some((set) => set.has(id))).sort();
  const roots = new Set(lazyRoots);

  const ownerOf = new Map();
  const outputs = new Map(); // name -> modules
  const place = (id, name) => {
    ownerOf.set(id, name);
    if (!outputs.has(name)) outputs.set(name, []);
    outputs.get(name).push(id);
  };
  commands.forEach((command, index) => {
    for (const id of commandReach[index]) if (!ownerOf.has(id)) place(id, `${command.name}.cjs`);
  });

  const lazyNames = uniqueNames(lazyRoots.map((id) => `lazy-${moduleName(id)}`));
  const usersOf = new Map(); // module -> lazy outputs reaching it
  lazyRoots.forEach((rootId, index) => {
    for (const id of reach(rootId, roots)) {
      if (ownerOf.has(id) || id === rootId) continue;
      if (!usersOf.has(id)) usersOf.set(id, []);
      usersOf.get(id).push(lazyNames[index]);
    }
    place(rootId, `${lazyNames[index]}.cjs`);
  });

  const groups = new Map(); // users joined -> modules
  for (const [id, users] of [...usersOf].sort(([a], [b]) => a.localeCompare(b))) {
    if (users.length === 1) place(id, `${users[0]}.cjs`);
    else groups.set(users.join(" "), [...(groups.get(users.join(" ")) ?? []), id]);
  }
  const groupList = [...groups.values()];
  // A shared output is named after its first module that something outside it imports.
  const sharedNames = uniqueNames(
    groupList.map((modules) => {
      const inGroup = new Set(modules);
      const entered = modules.filter((id) =>
        Object.keys(inputs).some((from) => !inGroup.has(from) && staticImports(from).includes(id)),
      );
      return `shared-${moduleName(entered[0] ?? modules[0])}`;
    }),
  );
  groupList.forEach((modules, index) => {
    for (const id of modules) place(id, `${sharedNames[index]}.cjs`);
  });
  const rootOf = new Map(lazyRoots.map((id, index) => [`${lazyNames[index]}.cjs`, id]));
  return {
    outputs: [...outputs].map(([name, modules]) => ({ name, modules, root: rootOf.get(name) })),
    ownerOf,
  };
}

/** A package's name for a module in node_modules, else the file's base name. */
export function moduleName(id) {
  const inPackage = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
  if (inPackage) return inPackage[1].replace("@", "").replace("/", "-");
  return id.replace(/^.*\//, "").replace(/\.[cm]?[jt]s$/, "");
}

function uniqueNames(names) {
  const seen = new Map();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}-${count}`;
  });
}
