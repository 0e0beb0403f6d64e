import {
  type Document,
  type Pair,
  type ParsedNode,
  type YAMLMap,
  LineCounter,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
} from "yaml";
import { KubeconfigError } from "../errors.js";
import { sequenceIndent } from "./collections.js";
import { type ExecEntry, execEntryOf, scalarValue } from "./exec.js";
import { lineStartOf } from "./text.js";

/** A user entry with an `exec` mapping, located in the parsed document. */
export interface ExecUser {
  readonly index: number;
  readonly name: string;
  readonly command: string;
  readonly entry: ExecEntry;
}

export interface ParsedKubeconfig {
  readonly execUsers: readonly ExecUser[];
  readonly userNames: readonly string[];
  /**
   * Where the top-level `users` entry lies in the text, from the start of its key's line to the start
   * of the next top-level key's line (or the end of the text): present only when the document is a
   * block mapping whose `users` key begins its own line, so that the span is whole lines holding the
   * `users` entry and nothing else. Edits that stay inside it can be checked by parsing it alone
   * (verify-injection.ts).
   */
  readonly usersRegion?: { readonly start: number; readonly end: number };
}

const KUBECONFIG_KEYS = new Set([
  "apiVersion",
  "kind",
  "clusters",
  "contexts",
  "users",
  "current-context",
  "preferences",
  "extensions",
]);

/**
 * Parses a kubeconfig for editing (source tokens kept, so nodes know their exact text ranges) and
 * checks the shape kcc-injector relies on. Every failure is a one-line KubeconfigError that starts
 * with `label:line:column:` so the user can jump to it.
 */
export function parseKubeconfig(
  source: string,
  label: string,
  onParse?: (label: string) => void,
): ParsedKubeconfig {
  onParse?.(label);
  const lines = new LineCounter();
  const docs = parseAllDocuments(source, { keepSourceTokens: true, lineCounter: lines, prettyErrors: false });
  const where = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${label}:${line}:${col}`;
  };
  const fail = (offset: number, message: string): never => {
    throw new KubeconfigError(`${where(offset)}: ${message}`);
  };
  const [doc, second] = docs;
  // An empty file (or one holding only comments) is an empty kubeconfig to kubectl: nothing to edit.
  if (doc === undefined) return { execUsers: [], userNames: [] };
  if (second !== undefined) fail(second.range[0], "several YAML documents: a kubeconfig is one");
  const error = doc.errors[0];
  if (error !== undefined) fail(error.pos[0], `not valid YAML: ${firstLine(error.message)}`);
  const parsed = readUsers(doc, sequenceIndent(source, doc.contents), fail);
  const usersRegion = findUsersRegion(source, doc.contents);
  return usersRegion === undefined ? parsed : { ...parsed, usersRegion };
}

function findUsersRegion(source: string, root: unknown): ParsedKubeconfig["usersRegion"] {
  if (!isMap(root) || root.flow === true) return undefined;
  const index = root.items.findIndex((pair) => keyOf(pair) === "users");
  const pair = root.items[index];
  if (pair === undefined) return undefined;
  const start = lineStartOf(source, at(pair.key));
  if (!/^[ ]*$/.test(source.slice(start, at(pair.key)))) return undefined;
  const next = root.items[index + 1];
  if (next === undefined) return { start, end: source.length };
  const end = lineStartOf(source, at(next.key));
  if (end <= start || !/^[ ]*$/.test(source.slice(end, at(next.key)))) return undefined;
  return { start, end };
}

type Fail = (offset: number, message: string) => never;

function readUsers(doc: Document.Parsed, seqIndent: string, fail: Fail): ParsedKubeconfig {
  const root: unknown = doc.contents;
  if (isAbsent(root)) return { execUsers: [], userNames: [] };
  if (!isMap(root) || !root.items.some((pair) => KUBECONFIG_KEYS.has(keyOf(pair) ?? ""))) {
    return fail(at(root), "not a kubeconfig (expected a mapping with users, clusters, contexts)");
  }
  const kind: unknown = root.get("kind", true);
  if (!isAbsent(kind) && scalarValue(kind) !== "Config") {
    fail(
      at(kind),
      `not a kubeconfig: kind is ${JSON.stringify(scalarValue(kind) ?? "a collection")}, not Config`,
    );
  }
  const users: unknown = root.get("users", true);
  if (isAbsent(users)) return { execUsers: [], userNames: [] };
  if (!isSeq(users)) return fail(at(users), "not a kubeconfig: users is not a list");
  const execUsers: ExecUser[] = [];
  const userNames: string[] = [];
  users.items.forEach((item: unknown, index) => {
    if (!isMap(item)) return fail(at(item) || at(users), `users[${index}] is not a mapping`);
    const name = scalarValue(item.get("name", true));
    if (typeof name !== "string" || name === "") return fail(at(item), `users[${index}] has no name`);
    userNames.push(name);
    const who = `user ${JSON.stringify(name)}`;
    const user: unknown = item.get("user", true);
    if (isAbsent(user)) return undefined;
    if (!isMap(user)) return fail(at(user), `${who}: user is not a mapping`);
    const exec: unknown = user.get("exec", true);
    if (isAbsent(exec)) return undefined;
    if (!isMap(exec)) return fail(at(exec), `${who}: exec is not a mapping`);
    const command = scalarValue(exec.get("command", true));
    if (typeof command !== "string" || command === "") return fail(at(exec), `${who}: exec has no command`);
    const entry = execEntryOf(exec as YAMLMap<ParsedNode, ParsedNode | null>, seqIndent);
    execUsers.push({ index, name, command, entry });
    return undefined;
  });
  return { execUsers, userNames };
}

/** A missing key, `key:` with nothing, `null` or `~`: kubectl reads all of them as "not set". */
function isAbsent(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

function at(node: unknown): number {
  return (node as { range?: readonly number[] | null } | null)?.range?.[0] ?? 0;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
}

function keyOf(pair: Pair): string | undefined {
  const key = scalarValue(pair.key);
  return typeof key === "string" ? key : undefined;
}
