import { KubeconfigError } from "../errors.js";
import { type ParsedKubeconfig, parseKubeconfig } from "./document.js";
import type { EditOptions } from "./edit-types.js";
import { commandOf, listOf } from "./exec.js";
import { restoreParsed } from "./restore-parsed.js";
import type { Splice } from "./text.js";

/** A part of a text: [start, end). */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Checks the edited text as kubectl will read it: it must parse, name the injection command for every
 * injected user, and restore to `source` exactly. What is parsed is `span` of the text, padded in
 * front with one comment line as long as everything before it, so that offsets in the parse are
 * offsets in the text (see checkedSpan for when that is the whole truth); without a span, the whole
 * text.
 */
export function verifyInjection(
  source: string,
  text: string,
  names: ReadonlySet<string>,
  options: EditOptions,
  span: TextSpan | undefined,
): void {
  if (names.size === 0) return;
  let restored: string | undefined;
  try {
    const checked = span === undefined ? text : padding(span.start) + text.slice(span.start, span.end);
    const check = parseKubeconfig(checked, options.label, options.onParse);
    // Parsed alone, the span must still be the `users` entry and nothing else, to its last line.
    if (span !== undefined && check.usersRegion?.end !== checked.length) throw new Error("users region");
    for (const user of check.execUsers.filter((u) => names.has(u.name))) {
      const env = user.entry.env === undefined ? undefined : listOf(user.entry.env);
      if (commandOf(user.entry) !== options.injectionCommand || env === undefined || env === "empty") {
        throw new Error(`user ${user.name}`);
      }
    }
    restored = restoreParsed(text, check, { ...options, users: names }).text;
  } catch {
    restored = undefined;
  }
  if (restored !== source) {
    throw new KubeconfigError(
      `${options.label}: cannot inject without risking an inexact restore (an unusual layout; please report it); nothing was changed`,
    );
  }
}

/**
 * The part of the edited text that verifyInjection must parse: the `users` entry alone, when every
 * edit lies inside it and nothing outside it can change how it reads. The rest of the file is then
 * byte for byte what the first parse accepted, and the entry is whole top-level lines (document.ts),
 * so parsing it alone reads it as the whole file does. Not when the file has anchors or aliases (an
 * alias may refer across entries) or directives (a tag may be declared outside it): then the whole
 * text. This keeps a big kubeconfig to one full parse instead of two.
 */
export function checkedSpan(
  source: string,
  parsed: ParsedKubeconfig,
  splices: readonly Splice[],
  result: string,
): TextSpan | undefined {
  const region = parsed.usersRegion;
  if (region === undefined || /[&*]/.test(source) || /^%/m.test(source)) return undefined;
  if (splices.some((splice) => splice.start < region.start || splice.end > region.end)) return undefined;
  return { start: region.start, end: region.end + result.length - source.length };
}

/** Exactly `length` characters that YAML reads as nothing: one comment line (or bare newlines). */
function padding(length: number): string {
  return length < 2 ? "\n".repeat(length) : `#${" ".repeat(length - 2)}\n`;
}
