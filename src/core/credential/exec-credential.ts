import { keyPairProblem } from "./client-certificate.js";
import { isRecord } from "../json.js";
import { API_VERSIONS } from "./exec-info.js";
import { parseGoRfc3339 } from "./go-time.js";

/** What kcc-cache needs to know about a valid credential; the bytes themselves stay as printed. */
interface CredentialFacts {
  readonly kind: "token" | "certificate";
  /** status.expirationTimestamp in ms since the epoch, or undefined when the plugin gave none. */
  readonly expiresAtMs: number | undefined;
}

export type Validation =
  { readonly ok: true; readonly facts: CredentialFacts } | { readonly ok: false; readonly reason: string };

/**
 * Checks a decoded plugin output against what client-go does with it (kubectl's verdicts:
 * test/fixtures/exec-credential-corpus.ts), so that kcc-cache caches exactly what kubectl would
 * use. `expectedApiVersion` comes from KUBERNETES_EXEC_INFO; without it (a script calling kcc-cache
 * directly) either supported version is accepted. Reasons name fields, never their values: they
 * reach stderr.
 */
export function validateExecCredential(
  document: unknown,
  expectedApiVersion: string | undefined,
): Validation {
  if (!isRecord(document)) return invalid("output is not an ExecCredential object");
  // client-go finds kind and apiVersion ignoring the case of the keys, and fills in a missing kind.
  const kind = typeMetaField(document, "kind");
  if (kind === null) return invalid("kind is not a string");
  if (kind !== "" && kind !== "ExecCredential") return invalid('kind is not "ExecCredential"');
  const apiVersion = typeMetaField(document, "apiVersion");
  if (apiVersion === null) return invalid("apiVersion is not a string");
  if (apiVersion === "") return invalid("apiVersion is missing");
  if (expectedApiVersion !== undefined && apiVersion !== expectedApiVersion) {
    return invalid(`apiVersion ${apiVersion} does not match the requested ${expectedApiVersion}`);
  }
  if (!(API_VERSIONS as readonly string[]).includes(apiVersion)) {
    return invalid(`apiVersion ${apiVersion} is not a supported client.authentication.k8s.io version`);
  }
  const specProblem = checkSpec(document["spec"]);
  if (specProblem !== undefined) return invalid(specProblem);
  const status = document["status"];
  if (status === undefined || status === null) return invalid("status is missing");
  if (!isRecord(status)) return invalid("status is not an object");
  const fields = stringFields(status, ["token", "clientCertificateData", "clientKeyData"]);
  if (typeof fields === "string") return invalid(fields);
  const { token, clientCertificateData: certificate, clientKeyData: key } = fields;
  const timestamp = status["expirationTimestamp"];
  let expiresAtMs: number | undefined;
  if (timestamp !== undefined && timestamp !== null) {
    expiresAtMs = typeof timestamp === "string" ? parseGoRfc3339(timestamp) : undefined;
    if (expiresAtMs === undefined) return invalid("status.expirationTimestamp is not an RFC 3339 time");
  }
  if (token === "" && certificate === "" && key === "") {
    return invalid("status has neither a token nor both clientCertificateData and clientKeyData");
  }
  if ((certificate === "") !== (key === "")) {
    return invalid("status has only one of clientCertificateData and clientKeyData");
  }
  if (certificate !== "") {
    const problem = keyPairProblem(certificate, key);
    if (problem !== undefined) return invalid(`status.${problem}`);
  }
  // Go's HTTP client refuses such a header value, so kubectl could never send this token.
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(token)) return invalid("status.token holds a control character");
  return { ok: true, facts: { kind: token !== "" ? "token" : "certificate", expiresAtMs } };
}

/** Go's time.Parse(time.RFC3339, …): see go-time.ts. */
export const parseRfc3339 = parseGoRfc3339;

/**
 * kind or apiVersion as client-go reads them to pick the type: the last key equal to `name` ignoring
 * case wins, null counts as absent (""), another type is an error (null here).
 */
function typeMetaField(document: Record<string, unknown>, name: string): string | null {
  let found: unknown = undefined;
  for (const [key, value] of Object.entries(document)) {
    if (key.toLowerCase() === name.toLowerCase()) found = value;
  }
  if (found === undefined || found === null) return "";
  return typeof found === "string" ? found : null;
}

/** The credential's string fields: absent and null read as "", another type is an error (a reason). */
function stringFields<K extends string>(
  record: Record<string, unknown>,
  names: readonly K[],
): Record<K, string> | string {
  const result = {} as Record<K, string>;
  for (const name of names) {
    const value = record[name];
    if (value !== undefined && value !== null && typeof value !== "string")
      return `status.${name} is not a string`;
    result[name] = typeof value === "string" ? value : "";
  }
  return result;
}

/** client-go decodes spec into its struct even though it ignores it: a known field of the wrong type fails. */
function checkSpec(spec: unknown): string | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (!isRecord(spec)) return "spec is not an object";
  if (!isOptional(spec["interactive"], "boolean")) return "spec.interactive is not a boolean";
  const cluster = spec["cluster"];
  if (cluster === undefined || cluster === null) return undefined;
  if (!isRecord(cluster)) return "spec.cluster is not an object";
  for (const name of ["server", "tls-server-name", "proxy-url"]) {
    if (!isOptional(cluster[name], "string")) return `spec.cluster.${name} is not a string`;
  }
  for (const name of ["insecure-skip-tls-verify", "disable-compression"]) {
    if (!isOptional(cluster[name], "boolean")) return `spec.cluster.${name} is not a boolean`;
  }
  const ca = cluster["certificate-authority-data"];
  if (!isOptional(ca, "string") || (typeof ca === "string" && !STD_BASE64.test(ca.replace(/[\r\n]/g, "")))) {
    return "spec.cluster.certificate-authority-data is not base64";
  }
  return undefined;
}

/** Go's base64.StdEncoding as encoding/json decodes []byte: padded, and line breaks ignored. */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isOptional(value: unknown, type: "string" | "boolean"): boolean {
  return value === undefined || value === null || typeof value === type;
}

function invalid(reason: string): Validation {
  return { ok: false, reason };
}
