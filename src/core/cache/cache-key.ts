import type { Env } from "../config.js";
import { ENV } from "../config.js";
import type { ClusterInfo, ExecInfo } from "../credential/exec-info.js";
import { identityVariables } from "./identity-variables.js";
import { flagName, isSecretName, secretNames } from "./secret-name.js";
import { sha256Hex, sha256HexEach } from "../sha256.js";

export interface CacheKeyInput {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Env;
  readonly cacheKeyEnvList: readonly string[];
  readonly execInfo: ExecInfo | undefined;
}

/**
 * Everything that decides whose credential a plugin returns, as one human-readable line
 * (docs/cache-key.md):
 *
 *   user="alice" server="https://eks.example" api="client.authentication.k8s.io/v1"
 *   exec=["aws","eks","get-token","--cluster-name","prod"]
 *   env={"AWS_PROFILE":"dev","AWS_SECRET_ACCESS_KEY":"sha256:…","HOME":"/home/alice"}
 *
 * Every value is JSON-quoted, so `["a b"]` and `["a","b"]` (or a value containing `" server=`)
 * can never produce the same key. The Go original keyed on user+server alone when it could, and so
 * served one AWS profile's token for another on the same cluster; this key keeps the command line
 * and the environment even when the cluster is known. The environment is every set variable that
 * can select an identity (by the shape of its name) or is in the configured list, sorted by name so
 * that the same environment always gives the same key. Secret values (by their flag or variable name) appear only as digests,
 * because the key is shown by --list and the debug log and stored in clear as a keyring account name.
 */
export function buildCacheKey(input: CacheKeyInput): string {
  const parts: string[] = [];
  const user = input.env[ENV.user];
  const cluster = input.execInfo?.cluster;
  if (user !== undefined && user !== "") parts.push(`user=${quote(user)}`);
  if (cluster?.server !== undefined) parts.push(`server=${quote(cluster.server)}`);
  if (input.execInfo?.apiVersion !== undefined) parts.push(`api=${quote(input.execInfo.apiVersion)}`);
  parts.push(`exec=${JSON.stringify([input.command, ...maskSecretArgs(input.args)])}`);

  const env = keyEnvironment(input.env, input.cacheKeyEnvList);
  if (Object.keys(env).length > 0) parts.push(`env=${JSON.stringify(env)}`);
  if (cluster !== undefined) parts.push(...clusterParts(cluster));
  return parts.join(" ");
}

/**
 * The arguments with the value of every secret-looking flag digested: `--client-secret=s3cr3t`
 * becomes `--client-secret=sha256:…`, and `--password s3cr3t` becomes `--password`, `sha256:…`.
 * A flag written without `=` may be a switch followed by an unrelated argument; that argument is
 * digested all the same, since a secret can start with a dash and guessing wrong would print it.
 */
export function maskSecretArgs(args: readonly string[]): string[] {
  const masked: string[] = [];
  let valueIsSecret = false;
  for (const arg of args) {
    if (valueIsSecret) {
      masked.push(digest(arg));
      valueIsSecret = false;
      continue;
    }
    const name = flagName(arg);
    if (name === undefined || !isSecretName(name)) {
      masked.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    if (equals === -1) {
      masked.push(arg);
      valueIsSecret = true;
    } else {
      masked.push(`${arg.slice(0, equals + 1)}${digest(arg.slice(equals + 1))}`);
    }
  }
  return masked;
}

/**
 * The set variables that the identity rule (core/cache/identity-variables.ts) or the configured list
 * names (the user one apart: it has its own field), by name, secrets digested.
 */
function keyEnvironment(env: Env, configured: readonly string[]): Record<string, string> {
  // The configured names join the rule's once each; no Set: see core/cache/identity-variables.ts.
  const names = identityVariables(Object.keys(env));
  for (const name of configured) if (names.indexOf(name) === -1) names.push(name);
  sortNames(names);
  const secret = secretNames(names);
  // No prototype: a configured name such as __proto__ is then just a name.
  const picked = Object.create(null) as Record<string, string>;
  // Secret values are digested together, in one call, after their names have taken their places.
  const secretTaken: string[] = [];
  const secretValues: string[] = [];
  for (let at = 0; at < names.length; at += 1) {
    const name = names[at] as string;
    const value = env[name];
    // typeof, not !== undefined: a listed name such as __proto__ must not pick up an inherited object.
    if (typeof value !== "string" || name === ENV.user) continue;
    if (secret[at] === true) {
      secretTaken.push(name);
      secretValues.push(value);
      picked[name] = "";
    } else picked[name] = value;
  }
  const digests = digestEach(secretValues);
  for (let at = 0; at < secretTaken.length; at += 1)
    picked[secretTaken[at] as string] = digests[at] as string;
  return picked;
}

/**
 * Sorts in place, in Array.prototype.sort's default order (by UTF-16 code units, which `<` compares).
 * A hit sorts a handful of names, by insertion: the builtin's first use cost a file-store hit about
 * 0.1-0.2 MiB of peak memory (docs/startup.md, "The key's digest, stored with its entry"). Past 30 names
 * the insertion's turns (up to half the count squared, in reverse order) would pass the JIT's
 * threshold, as 33 names in reverse order did, and the builtin, native code, compiles nothing ("A
 * large environment").
 */
export function sortNames(names: string[]): void {
  if (names.length > INSERTION_SORT_LIMIT) {
    names.sort();
    return;
  }
  for (let at = 1; at < names.length; at += 1) {
    const name = names[at] as string;
    let to = at;
    for (; to > 0 && (names[to - 1] as string) > name; to -= 1) names[to] = names[to - 1] as string;
    names[to] = name;
  }
}

const INSERTION_SORT_LIMIT = 30;

/**
 * The spec.cluster fields that can change which credential a plugin prints (docs/cache-key.md). Large
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

/** A short fixed-length name for files that belong to a key (its refresh lock, its served log). */
export function keyDigest(key: string): string {
  return sha256Hex(key).slice(0, KEY_DIGEST_LENGTH);
}

const KEY_DIGEST_LENGTH = 32;

/** Whether `value` has keyDigest's shape: 32 lowercase hex digits. A loop, not a pattern: no RegExp on a hit. */
export function isKeyDigest(value: unknown): value is string {
  if (typeof value !== "string" || value.length !== KEY_DIGEST_LENGTH) return false;
  for (let at = 0; at < value.length; at += 1) {
    const code = value.charCodeAt(at);
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function digest(value: string): string {
  return digestEach([value])[0] as string;
}

/** How a secret value stands in the key: a short digest of it, labelled. */
function digestEach(values: readonly string[]): string[] {
  const hexes = sha256HexEach(values);
  for (let at = 0; at < hexes.length; at += 1) hexes[at] = `sha256:${(hexes[at] as string).slice(0, 16)}`;
  return hexes;
}
