/**
 * A cache key read back into its fields (docs/cache-key.md): space-separated `name=value`, each value
 * JSON (`user="a b"`, `exec=["aws","--x"]`, `env={…}`, `insecure-skip-tls-verify=true`) or a bare
 * word (`ca=sha256:…`). A JSON value may hold spaces, `"` and `=`, so it is scanned as JSON, not split.
 * Undefined when the text is not a key of this shape (a key written by another version): it then
 * matches no filter, and is still cleared by a bare --clear.
 */
export type KeyFields = ReadonlyMap<string, unknown>;

export function parseKeyFields(key: string): KeyFields | undefined {
  const fields = new Map<string, unknown>();
  let at = 0;
  while (at < key.length) {
    const name = /^([a-z][a-z0-9-]*)=/.exec(key.slice(at));
    if (name === null || fields.has(name[1] ?? "")) return undefined;
    at += name[0].length;
    const end = valueEnd(key, at);
    if (end === undefined) return undefined;
    const value = readValue(key.slice(at, end));
    if (value === undefined) return undefined;
    fields.set(name[1] ?? "", value.parsed);
    if (end < key.length && key[end] !== " ") return undefined;
    at = end + 1;
    if (end === key.length - 1) return undefined; // a trailing space
  }
  return fields.size === 0 ? undefined : fields;
}

/** The field as a string, if the key has it and it is one. */
export function stringField(fields: KeyFields, name: string): string | undefined {
  const value = fields.get(name);
  return typeof value === "string" ? value : undefined;
}

/** The plugin command: the first element of `exec`. */
export function pluginCommand(fields: KeyFields): string | undefined {
  const exec = fields.get("exec");
  return Array.isArray(exec) && typeof exec[0] === "string" ? exec[0] : undefined;
}

/** Where the value starting at `from` ends: its closing bracket or quote for JSON, else the next space. */
function valueEnd(key: string, from: number): number | undefined {
  const first = key[from];
  if (first !== '"' && first !== "[" && first !== "{") {
    const space = key.indexOf(" ", from);
    return space === -1 ? key.length : space;
  }
  let depth = 0;
  let inString = false;
  for (let at = from; at < key.length; at += 1) {
    const char = key[at];
    if (inString) {
      if (char === "\\") at += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "[" || char === "{") depth += 1;
    else if (char === "]" || char === "}") depth -= 1;
    if (!inString && depth === 0) return at + 1;
  }
  return undefined;
}

function readValue(text: string): { readonly parsed: unknown } | undefined {
  if (text === "") return undefined;
  if (!/^["[{]/.test(text)) return { parsed: text === "true" ? true : text };
  try {
    return { parsed: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
