import { describeErrno, errnoOf } from "./system-error.js";

/**
 * The one error hierarchy. Every failure a user can see is a KccError with a stable
 * `code`, which alone decides the exit status (EXIT_CODES); the entry points turn it into one
 * stderr line and that status in one place (src/cli/report-error.ts). Messages never contain a
 * credential.
 */
export type KccErrorCode =
  | "USAGE"
  | "CONFIG"
  | "PLUGIN_NOT_FOUND"
  | "PLUGIN_NOT_EXECUTABLE"
  | "PLUGIN_FAILED"
  | "STORE"
  | "LOCK"
  | "KUBECONFIG";

/**
 * What each failure exits with: 2 for a command line or setting to fix, like most Unix tools; 127
 * and 126 for a plugin that cannot be run, as a shell says "not found" and "cannot execute".
 */
export const EXIT_CODES: Readonly<Record<KccErrorCode, number>> = {
  USAGE: 2,
  CONFIG: 2,
  PLUGIN_NOT_FOUND: 127,
  PLUGIN_NOT_EXECUTABLE: 126,
  PLUGIN_FAILED: 126,
  STORE: 1,
  LOCK: 1,
  KUBECONFIG: 1,
};

export class KccError extends Error {
  override readonly name: string = "KccError";
  constructor(
    readonly code: KccErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** Wrong command line. Exit 2, like most Unix tools. */
export class UsageError extends KccError {
  override readonly name = "UsageError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("USAGE", message, options);
  }
}

/** A KUBE_CREDENTIAL_CACHE_* variable that cannot be understood. */
export class ConfigError extends KccError {
  override readonly name = "ConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("CONFIG", message, options);
  }
}

/** The wrapped plugin could not be started (not found, not executable, refused). */
export class PluginError extends KccError {
  override readonly name = "PluginError";
}

/** A credential store (cache file, secret store) could not be used. */
export class StoreError extends KccError {
  override readonly name = "StoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("STORE", message, options);
  }
}

/** A lock that could not be taken (held by someone else, or not creatable). */
export class LockError extends KccError {
  override readonly name = "LockError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("LOCK", message, options);
  }
}

/** A kubeconfig that cannot be read, parsed, understood or written. */
export class KubeconfigError extends KccError {
  override readonly name = "KubeconfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("KUBECONFIG", message, options);
  }
}

/**
 * The first line of an error's message, for a warning: library errors say there what failed (the
 * keyring addon's name the D-Bus or OS failure, never the secret). Never a stack.
 */
export function errorFirstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? "error";
}

/**
 * Our own message, else a system error in words and code ("no space left on device (ENOSPC)"),
 * else the first line of the message.
 */
export function errorSummary(error: unknown): string {
  if (isKccError(error)) return error.message;
  const errno = errnoOf(error);
  return errno === undefined ? errorFirstLine(error) : describeErrno(errno);
}

/** True for any KccError: the build puts this module in one output only, so `instanceof` holds across them. */
export function isKccError(error: unknown): error is KccError {
  return error instanceof KccError;
}
