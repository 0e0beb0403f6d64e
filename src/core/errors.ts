/**
 * The one error hierarchy. Every failure a user can see is a KccError with a stable
 * `code`; the entry points turn it into one stderr line and `exitCode` in one place
 * (src/cli/report-error.ts). Messages never contain a credential.
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

export class KccError extends Error {
  override readonly name: string = "KccError";
  constructor(
    readonly code: KccErrorCode,
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wrong command line. Exit 2, like most Unix tools. */
export class UsageError extends KccError {
  override readonly name = "UsageError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("USAGE", message, 2, options);
  }
}

/** A KUBE_CREDENTIAL_CACHE_* variable that cannot be understood. */
export class ConfigError extends KccError {
  override readonly name = "ConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("CONFIG", message, 2, options);
  }
}

/**
 * The wrapped plugin could not be started or failed. `exitCode` mirrors the shell's
 * conventions (127 not found, 126 not executable) or the plugin's own code.
 */
export class PluginError extends KccError {
  override readonly name = "PluginError";
}

/** A credential store (cache file, secret store) could not be used. */
export class StoreError extends KccError {
  override readonly name = "StoreError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("STORE", message, 1, options);
  }
}

/** A lock that could not be taken (held by someone else, or not creatable). */
export class LockError extends KccError {
  override readonly name = "LockError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("LOCK", message, 1, options);
  }
}

/** A kubeconfig that cannot be read, parsed, understood or written. */
export class KubeconfigError extends KccError {
  override readonly name = "KubeconfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("KUBECONFIG", message, 1, options);
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

/** Our own message, else a system error's code (EACCES, ECONNREFUSED), else the message. */
export function errorSummary(error: unknown): string {
  if (isKccError(error)) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** True for any KccError: the build puts this module in one output only, so `instanceof` holds across them. */
export function isKccError(error: unknown): error is KccError {
  return error instanceof KccError;
}
