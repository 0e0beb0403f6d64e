import { API_VERSIONS, isRecord } from "./exec-info.js";

/** What kcc-cache needs to know about a valid credential; the bytes themselves stay as printed. */
export interface CredentialFacts {
  readonly kind: "token" | "certificate";
  /** status.expirationTimestamp in ms since the epoch, or undefined when the plugin gave none. */
  readonly expiresAtMs: number | undefined;
}

export type Validation =
  { readonly ok: true; readonly facts: CredentialFacts } | { readonly ok: false; readonly reason: string };

// Go's time.Time accepts RFC 3339 only: a 'T', optional fraction, 'Z' or a numeric offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Checks a decoded plugin output against the rules client-go applies (PROTOCOL.md, "stdout must hold
 * exactly one ExecCredential"). `expectedApiVersion` comes from KUBERNETES_EXEC_INFO; without it
 * (a script calling kcc-cache directly) either supported version is accepted. Reasons name fields,
 * never their values: they reach stderr.
 */
export function validateExecCredential(
  document: unknown,
  expectedApiVersion: string | undefined,
): Validation {
  if (!isRecord(document)) return invalid("output is not an ExecCredential object");
  if (document["kind"] !== "ExecCredential") return invalid('kind is not "ExecCredential"');
  const apiVersion = document["apiVersion"];
  if (typeof apiVersion !== "string") return invalid("apiVersion is missing");
  if (expectedApiVersion !== undefined && apiVersion !== expectedApiVersion) {
    return invalid(`apiVersion ${apiVersion} does not match the requested ${expectedApiVersion}`);
  }
  if (!(API_VERSIONS as readonly string[]).includes(apiVersion)) {
    return invalid(`apiVersion ${apiVersion} is not a supported client.authentication.k8s.io version`);
  }
  const status = document["status"];
  if (!isRecord(status)) return invalid("status is missing");
  const kind = credentialKind(status);
  if (kind === undefined) {
    return invalid("status has neither a token nor both clientCertificateData and clientKeyData");
  }
  const timestamp = status["expirationTimestamp"];
  if (timestamp === undefined || timestamp === null)
    return { ok: true, facts: { kind, expiresAtMs: undefined } };
  const expiresAtMs = typeof timestamp === "string" ? parseRfc3339(timestamp) : undefined;
  if (expiresAtMs === undefined) return invalid("status.expirationTimestamp is not an RFC 3339 time");
  return { ok: true, facts: { kind, expiresAtMs } };
}

export function parseRfc3339(text: string): number | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}

function credentialKind(status: Record<string, unknown>): CredentialFacts["kind"] | undefined {
  if (isFilled(status["token"])) return "token";
  if (isFilled(status["clientCertificateData"]) && isFilled(status["clientKeyData"])) return "certificate";
  return undefined;
}

function isFilled(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

function invalid(reason: string): Validation {
  return { ok: false, reason };
}
