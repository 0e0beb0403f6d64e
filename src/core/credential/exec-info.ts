/**
 * KUBERNETES_EXEC_INFO, which client-go always sets for a plugin (docs/protocol.md, "Running the
 * plugin"). It tells us the apiVersion kubectl will insist on and, with provideClusterInfo, which
 * cluster the credential is for. Scripts calling kcc-cache directly do not set it; other clients set
 * it in their own encoding, or not at all.
 */
import { isRecord, parseJson } from "../json.js";
export interface ClusterInfo {
  readonly server?: string;
  readonly "tls-server-name"?: string;
  readonly "insecure-skip-tls-verify"?: boolean;
  readonly "certificate-authority-data"?: string;
  readonly "proxy-url"?: string;
  readonly config?: unknown;
}

export interface ExecInfo {
  readonly apiVersion: string | undefined;
  readonly interactive: boolean | undefined;
  readonly cluster: ClusterInfo | undefined;
}

export const API_VERSIONS = [
  "client.authentication.k8s.io/v1beta1",
  "client.authentication.k8s.io/v1",
] as const;

/** How client-go's encoder begins KUBERNETES_EXEC_INFO: compact JSON, `kind` first. */
const CLIENT_GO_ENCODING = '{"kind":"ExecCredential","apiVersion":"';

/**
 * Whether KUBERNETES_EXEC_INFO was written by client-go, the one client whose asking again in the same
 * process means a 401. Told by the encoding, not the content: the Python client sends the same
 * document, `kind` included, through `json.dumps` (`{"apiVersion": …`); client-node sends none
 * (docs/serve-decision.md, "Which callers are tracked").
 */
export function isClientGoExecInfo(raw: string | undefined): boolean {
  return raw?.startsWith(CLIENT_GO_ENCODING) === true;
}

/** Returns undefined when the variable is absent or not the JSON client-go writes. */
export function parseExecInfo(raw: string | undefined): ExecInfo | undefined {
  if (raw === undefined || raw === "") return undefined;
  const value = parseJson(raw);
  if (!isRecord(value)) return undefined;
  const spec = isRecord(value["spec"]) ? value["spec"] : {};
  const cluster = isRecord(spec["cluster"]) ? (spec["cluster"] as ClusterInfo) : undefined;
  return {
    apiVersion: typeof value["apiVersion"] === "string" ? value["apiVersion"] : undefined,
    interactive: typeof spec["interactive"] === "boolean" ? spec["interactive"] : undefined,
    cluster,
  };
}
