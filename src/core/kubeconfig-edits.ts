import { KubeconfigError } from "./errors.js";
import { type ExecUser, parseKubeconfig } from "./kubeconfig-document.js";
import {
  type ExecEntry,
  commandOf,
  envIndex,
  goesThroughCache,
  listOf,
  locateExec,
} from "./kubeconfig-exec.js";
import { injectUser } from "./kubeconfig-inject-user.js";
import { ORIGINAL_ENV } from "./kubeconfig-restore-state.js";
import { restoreUser } from "./kubeconfig-restore-user.js";

export interface EditOptions {
  /** The file's path, for messages. */
  readonly label: string;
  /** The injection command (`-c`, default kcc-cache). */
  readonly injectionCommand: string;
  /** Only these users (--user); undefined means all. */
  readonly users: ReadonlySet<string> | undefined;
  /** Absolute directory of the kubeconfig: kubectl resolves relative commands against it. */
  readonly baseDirectory: string;
}

export type UserAction = "injected" | "restored" | "already-injected" | "not-injected";

export interface EditResult {
  readonly text: string;
  readonly users: readonly { readonly name: string; readonly action: UserAction }[];
  /** Every user name in the file, for --user names that match nothing anywhere. */
  readonly userNames: readonly string[];
}

/**
 * Points every selected exec user at the injection command (issue 3, "Injection"): the original
 * command goes first in args, provideClusterInfo becomes true, KUBE_CREDENTIAL_CACHE_USER and the
 * restore state (kubeconfig-restore-state.ts) are appended to env. Nothing else changes a byte.
 * Before returning, the result is checked: it must parse, say what was meant, and restore to `source`
 * exactly; if not, nothing is edited and the error says so.
 */
export function injectKubeconfig(source: string, options: EditOptions): EditResult {
  const parsed = parseKubeconfig(source, options.label);
  let text = source;
  const users: { name: string; action: UserAction }[] = [];
  const injected: ExecUser[] = [];
  for (const user of selected(parsed.execUsers, options)) {
    const entry = locateExec(text, user.index);
    if (isInjected(text, entry, options.injectionCommand)) {
      users.push({ name: user.name, action: "already-injected" });
      continue;
    }
    text = injectUser(text, user, options);
    users.push({ name: user.name, action: "injected" });
    injected.push(user);
  }
  verifyInjection(source, text, injected, options);
  return { text, users, userNames: parsed.userNames };
}

/** Undoes injections (issue 3, "Restore"); a user that was never injected is left as it is. */
export function restoreKubeconfig(source: string, options: EditOptions): EditResult {
  const parsed = parseKubeconfig(source, options.label);
  let text = source;
  const users: { name: string; action: UserAction }[] = [];
  for (const user of selected(parsed.execUsers, options)) {
    const next = restoreUser(text, user, options);
    users.push({ name: user.name, action: next === undefined ? "not-injected" : "restored" });
    if (next !== undefined) text = next;
  }
  return { text, users, userNames: parsed.userNames };
}

function selected(users: readonly ExecUser[], options: EditOptions): readonly ExecUser[] {
  const only = options.users;
  return only === undefined ? users : users.filter((user) => only.has(user.name));
}

function isInjected(source: string, entry: ExecEntry, injectionCommand: string): boolean {
  const env = entry.env === undefined ? undefined : listOf(entry.env);
  if (env !== undefined && env !== "empty" && envIndex(env, ORIGINAL_ENV) !== -1) return true;
  return goesThroughCache(commandOf(entry), injectionCommand);
}

function verifyInjection(
  source: string,
  text: string,
  injected: readonly ExecUser[],
  options: EditOptions,
): void {
  if (injected.length === 0) return;
  const names = new Set(injected.map((user) => user.name));
  let restored: string | undefined;
  try {
    const check = parseKubeconfig(text, options.label);
    for (const user of check.execUsers.filter((u) => names.has(u.name))) {
      const entry = locateExec(text, user.index);
      const env = entry.env === undefined ? undefined : listOf(entry.env);
      if (commandOf(entry) !== options.injectionCommand || env === undefined || env === "empty") {
        throw new Error(`user ${user.name}`);
      }
    }
    restored = restoreKubeconfig(text, { ...options, users: names }).text;
  } catch {
    restored = undefined;
  }
  if (restored !== source) {
    throw new KubeconfigError(
      `${options.label}: cannot inject without risking an inexact restore (an unusual layout; please report it); nothing was changed`,
    );
  }
}
