import type { Env } from "./config.js";
import { ENV } from "./config.js";
import type { ClusterInfo, ExecInfo } from "./exec-info.js";
import { sha256Hex } from "./sha256.js";

export interface CacheKeyInput {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Env;
  readonly cacheKeyEnvList: readonly string[];
  readonly execInfo: ExecInfo | undefined;
}

/**
 * Everything that decides whose credential a plugin returns, as one human-readable line:
 *
 *   user="alice" server="https://eks.example" api="client.authentication.k8s.io/v1"
 *   exec=["aws","eks","get-token"] env={"AWS_PROFILE":"dev"}
 *
 * Every value is JSON-quoted, so `["a b"]` and `["a","b"]` (or a value containing `" server=`)
 * can never produce the same key. The Go original keyed on user+server alone when it could, and so
 * served one AWS profile's token for another on the same cluster; this key keeps the command line
 * and the environment even when the cluster is known.
 */
export function buildCacheKey(input: CacheKeyInput): string {
  const parts: string[] = [];
  const user = input.env[ENV.user];
  const cluster = input.execInfo?.cluster;
  if (user !== undefined && user !== "") parts.push(`user=${quote(user)}`);
  if (cluster?.server !== undefined) parts.push(`server=${quote(cluster.server)}`);
  if (input.execInfo?.apiVersion !== undefined) parts.push(`api=${quote(input.execInfo.apiVersion)}`);
  parts.push(`exec=${JSON.stringify([input.command, ...input.args])}`);

  const env: Record<string, string> = {};
  for (const name of input.cacheKeyEnvList) {
    const value = input.env[name];
    if (value !== undefined && name !== ENV.user) env[name] = value;
  }
  if (Object.keys(env).length > 0) parts.push(`env=${JSON.stringify(env)}`);
  if (cluster !== undefined) parts.push(...clusterParts(cluster));
  return parts.join(" ");
}

/**
 * The spec.cluster fields that can change which credential a plugin prints (PROTOCOL.md). Large
 * values (CA bundle, the exec extension's config) are digested to keep the key readable;
 * disable-compression is left out because it cannot change the credential.
 */
function clusterParts(cluster: ClusterInfo): string[] {
  const parts: string[] = [];
  const tlsServerName = cluster["tls-server-name"];
  if (tlsServerName !== undefined && tlsServerName !== "")
    parts.push(`tls-server-name=${quote(tlsServerName)}`);
  if (cluster["insecure-skip-tls-verify"] === true) parts.push("insecure-skip-tls-verify=true");
  const proxy = cluster["proxy-url"];
  if (proxy !== undefined && proxy !== "") parts.push(`proxy-url=${quote(proxy)}`);
  const ca = cluster["certificate-authority-data"];
  if (ca !== undefined && ca !== "") parts.push(`ca=${digest(ca)}`);
  if (cluster.config !== undefined && cluster.config !== null) {
    parts.push(`config=${digest(JSON.stringify(cluster.config))}`);
  }
  return parts;
}

/** A short fixed-length name for files that belong to a key (its refresh lock, its last-served marker). */
export function keyDigest(key: string): string {
  return sha256Hex(key).slice(0, 32);
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function digest(value: string): string {
  return `sha256:${sha256Hex(value).slice(0, 16)}`;
}
