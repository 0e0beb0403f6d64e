/**
 * One description of a command, from which its --help text, its man page and its shell completion
 * scripts are all written (help-text.ts, man-page.ts, completion.ts), so that they never disagree.
 * Texts are plain sentences; each renderer wraps and escapes them for its medium.
 */

/** What a shell offers for an option's value or a word. */
export type Completion = "none" | "shells" | "contexts" | "users" | "clusters" | "commands" | "files";

export interface OptionDoc {
  /** Short and long forms, e.g. ["-h", "--help"]. */
  readonly flags: readonly string[];
  /** The value's placeholder (e.g. "NAME"), for an option that takes one. */
  readonly value?: string;
  /** A placeholder that follows the option without being its value (--clear [KEY...]). */
  readonly operands?: string;
  readonly text: string;
  /** What completes the value (default: nothing for a value, "none"). */
  readonly complete?: Completion;
  /** kcc-cache's management options: after one of them no plugin follows. */
  readonly managing?: boolean;
}

interface SectionDoc {
  readonly title: string;
  readonly options?: readonly OptionDoc[];
  /** Name and text, e.g. environment variables or exit codes. */
  readonly rows?: readonly (readonly [string, string])[];
}

export interface CommandDoc {
  readonly name: "kcc-cache" | "kcc-injector";
  /** What follows the name in the synopsis. */
  readonly usage: string;
  /** The man page's NAME line. */
  readonly summary: string;
  readonly description: readonly string[];
  readonly sections: readonly SectionDoc[];
  readonly examples: readonly (readonly [string, string])[];
  /**
   * What the words that are not options are: kcc-cache's plugin command line ("plugin": complete a
   * command, then hand over to the shell's completion for it), kcc-injector's kubeconfig files.
   */
  readonly operands: "plugin" | "files";
  readonly seeAlso: readonly string[];
}

/** Every option of the command, in the order its sections list them. */
export function optionsOf(doc: CommandDoc): OptionDoc[] {
  return doc.sections.flatMap((section) => section.options ?? []);
}

/** The option's first clause, for the one-line descriptions shells show beside it. */
export function briefOf(option: OptionDoc): string {
  return (option.text.split(/[;:]/)[0] ?? option.text).trim();
}
