import type { ScalarTag } from "yaml";

/**
 * Decodes what a plugin printed the way client-go does (kubectl's verdicts:
 * test/fixtures/exec-credential-corpus.ts): output whose first non-space character is `{` is JSON
 * and nothing else (nested at most 10,000 deep); anything else goes to a YAML 1.1-flavoured reader
 * that takes the first document only, honours a UTF-8 or UTF-16 byte order mark and refuses invalid
 * UTF-8. The YAML parser is loaded only for the rare plugin that needs it. Works on bytes: what
 * kubectl sees is bytes.
 */
export type Decoded =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** Go's encoding/json refuses deeper nesting ("exceeded max depth"). */
const MAX_JSON_DEPTH = 10_000;
/** Expansions of YAML aliases allowed in one output: a credential needs none, a "billion laughs" needs millions. */
const MAX_YAML_ALIASES = 100;

export async function decodePluginOutput(stdout: Uint8Array | string): Promise<Decoded> {
  const bytes = typeof stdout === "string" ? Buffer.from(stdout) : Buffer.from(stdout);
  const utf16 = utf16Text(bytes);
  if (utf16 !== undefined) return utf16.ok ? decodeYaml(utf16.text) : fail(utf16.reason);
  if (startsWithBrace(bytes)) return decodeJson(bytes.toString("utf8"));
  const text = utf8Text(bytes);
  if (text === undefined) return fail("stdout is neither JSON nor valid UTF-8 YAML");
  return decodeYaml(text);
}

/** The plugin's output as text when it is valid UTF-8 (a UTF-8 byte order mark kept), else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function decodeJson(text: string): Decoded {
  if (nestingDepth(text) > MAX_JSON_DEPTH)
    return fail(`stdout is JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // A log line after the JSON, a second document, a raw control character in a string…
    return fail("stdout starts with '{' but is not one valid JSON object");
  }
}

async function decodeYaml(text: string): Promise<Decoded> {
  if (text.trim() === "") return fail("the plugin printed nothing on stdout");
  const { parseAllDocuments } = await import("yaml");
  try {
    const documents = parseAllDocuments(text, {
      schema: "failsafe",
      customTags: GO_YAML_SCALARS,
      merge: true,
      uniqueKeys: false,
    });
    // go-yaml reads the first document and never looks at the rest.
    const first = Array.isArray(documents) ? documents[0] : undefined;
    if (first === undefined) return fail("the plugin printed nothing on stdout");
    const error = first.errors[0];
    if (error !== undefined) return fail(`stdout is neither JSON nor YAML (${error.code})`);
    return { ok: true, value: first.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as unknown };
  } catch (error) {
    // An alias bomb (ReferenceError) or nesting too deep for the parser (RangeError): kubectl refuses both.
    return fail(
      `stdout is YAML that cannot be read safely (${error instanceof Error ? error.name : "error"})`,
    );
  }
}

function fail(reason: string): Decoded {
  return { ok: false, reason };
}

function utf16Text(bytes: Buffer): { ok: true; text: string } | { ok: false; reason: string } | undefined {
  const [first, second] = bytes;
  const encoding =
    first === 0xff && second === 0xfe
      ? "utf-16le"
      : first === 0xfe && second === 0xff
        ? "utf-16be"
        : undefined;
  if (encoding === undefined) return undefined;
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, reason: `stdout is not valid ${encoding.toUpperCase()}` };
  }
}

/** Go's unicode.IsSpace, the test client-go applies before calling output JSON. */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

function startsWithBrace(bytes: Buffer): boolean {
  // Only the opening matters: decoding a little is enough (invalid bytes become U+FFFD, not a space).
  const head = bytes.subarray(0, 4096).toString("utf8");
  const rest = head.slice(GO_SPACE.exec(head)?.[0].length ?? 0);
  if (rest === "" && bytes.length > 4096) return startsWithBrace(bytes.subarray(4096));
  return rest.startsWith("{");
}

/** The deepest nesting of objects and arrays, strings skipped. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, (depth += 1));
    else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return deepest;
}

/**
 * Plain scalars resolved as go-yaml v2 resolves them (client-go's YAML reader): YAML 1.1 booleans
 * (y, yes, on…), Go integer syntax with underscores dropped (0x1F, 0o17, 017), floats, nulls, and
 * timestamps left as their text. `token: yes` is a boolean there, so kubectl refuses it.
 */
const GO_YAML_SCALARS: ScalarTag[] = [
  {
    tag: "tag:yaml.org,2002:null",
    default: true,
    test: /^(?:~|null|Null|NULL)?$/,
    resolve: () => null,
  },
  {
    tag: "tag:yaml.org,2002:bool",
    default: true,
    test: /^(?:[yYnN]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    resolve: (text) => /^(?:[yY]|yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(text),
  },
  {
    tag: "tag:yaml.org,2002:float",
    default: true,
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve: (text) =>
      /nan/i.test(text) ? Number.NaN : text.startsWith("-") ? -Infinity : Number.POSITIVE_INFINITY,
  },
  {
    tag: "tag:yaml.org,2002:int",
    default: true,
    test: /^[-+0-9.]/,
    // Not a Go number after all (a version, a date, a word): the text stays a string.
    resolve: (text) => (isGoYamlNumber(text) ? Number(text.replace(/_/g, "")) : text),
  },
];

function isGoYamlNumber(text: string): boolean {
  if (text.startsWith(".")) return /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(text);
  const plain = text.replace(/_/g, "");
  return (
    /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(plain) ||
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(plain)
  );
}
