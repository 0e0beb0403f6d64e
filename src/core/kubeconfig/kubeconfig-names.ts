import { parseDocument } from "yaml";
import { KubeconfigError } from "../errors.js";

/** A context as kubectl sees it after merging: the names of its user and cluster. */
interface ContextNames {
  readonly user: string | undefined;
  readonly cluster: string | undefined;
}

/** The names of the kubeconfig kubectl would use, merged over its files (docs/protocol.md, kubeconfig). */
export interface KubeconfigNames {
  readonly contexts: ReadonlyMap<string, ContextNames>;
  /** Each cluster's server, or undefined where it names none. */
  readonly clusters: ReadonlyMap<string, string | undefined>;
  readonly users: readonly string[];
}

/**
 * kubectl's merge of several files: the first file that defines a context, cluster or user name wins,
 * later definitions of that name are ignored. Only names and servers are read; nothing is kept of
 * users' credentials.
 */
export function mergeKubeconfigNames(files: readonly { label: string; text: string }[]): KubeconfigNames {
  const contexts = new Map<string, ContextNames>();
  const clusters = new Map<string, string | undefined>();
  const users = new Set<string>();
  for (const { label, text } of files) {
    const doc = parseDocument(text);
    const error = doc.errors[0];
    if (error !== undefined)
      throw new KubeconfigError(
        `${label}: not valid YAML: ${(error.message.split("\n")[0] ?? "").replace(/:$/, "")}`,
      );
    const root: unknown = doc.toJS();
    if (root === null || root === undefined) continue;
    if (!isRecord(root)) throw new KubeconfigError(`${label}: not a kubeconfig (a mapping is expected)`);
    for (const entry of namedEntries(root["contexts"])) {
      const body = entry.body["context"];
      if (contexts.has(entry.name)) continue;
      contexts.set(entry.name, {
        user: isRecord(body) ? stringOf(body["user"]) : undefined,
        cluster: isRecord(body) ? stringOf(body["cluster"]) : undefined,
      });
    }
    for (const entry of namedEntries(root["clusters"])) {
      const body = entry.body["cluster"];
      if (!clusters.has(entry.name))
        clusters.set(entry.name, isRecord(body) ? stringOf(body["server"]) : undefined);
    }
    for (const entry of namedEntries(root["users"])) users.add(entry.name);
  }
  return { contexts, clusters, users: [...users] };
}

function namedEntries(list: unknown): { name: string; body: Record<string, unknown> }[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) =>
    isRecord(item) && typeof item["name"] === "string" && item["name"] !== ""
      ? [{ name: item["name"], body: item }]
      : [],
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
