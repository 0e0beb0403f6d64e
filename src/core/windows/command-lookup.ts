import type { Env } from "../config.js";

/**
 * Which file Windows runs for a plugin command, found the way kubectl's Go runtime finds it
 * (exec.Command → LookPath / lookExtensions), so a kubeconfig that works with kubectl works through
 * kcc-cache: the PATHEXT extensions in order, a name that already has one tried as is first, the
 * current directory refused for a bare name, and file names compared without regard to case (the
 * injected `isFile` asks the file system, which on Windows ignores case). Pure: the file system is
 * two questions the edge answers. docs/windows.md explains the rules.
 */
export interface WindowsFiles {
  /** An existing file that is not a directory. */
  readonly isFile: (path: string) => boolean;
  /** Both paths name one file (the same volume and file id). */
  readonly sameFile: (a: string, b: string) => boolean;
}

export type WindowsLookup =
  | { readonly kind: "found"; readonly file: string }
  | { readonly kind: "not-found" }
  /**
   * Found only through the current directory (implicitly, or by a relative PATH entry): Go refuses to
   * run it since 1.19, so kubectl would fail, and so does kcc-cache.
   */
  | { readonly kind: "current-directory"; readonly file: string };

/** What Go assumes when PATHEXT is unset or empty. */
const DEFAULT_PATHEXT: readonly string[] = [".com", ".exe", ".bat", ".cmd"];

/** A variable as Windows reads it: names ignore case there, and a copied env object loses that. */
export function windowsEnv(env: Env, name: string): string | undefined {
  if (env[name] !== undefined) return env[name];
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(env)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** PATHEXT as lower-case extensions with their dot; empty entries skipped. */
function pathExtensions(env: Env): readonly string[] {
  const setting = windowsEnv(env, "PATHEXT");
  if (setting === undefined || setting === "") return DEFAULT_PATHEXT;
  return setting
    .toLowerCase()
    .split(";")
    .filter((extension) => extension !== "")
    .map((extension) => (extension.startsWith(".") ? extension : `.${extension}`));
}

export function lookUpWindowsCommand(command: string, env: Env, files: WindowsFiles): WindowsLookup {
  // Names that can never be a program (Go refuses them before looking).
  if (command === "" || command === "." || command === "..") return { kind: "not-found" };
  const extensions = pathExtensions(env);
  if (/[:\\/]/.test(command)) return lookUpPath(command, extensions, files);

  // A bare name: the current directory first (unless NoDefaultCurrentDirectoryInExePath exists, with
  // any value), then each PATH entry; a hit there only counts if it is absolute.
  let relativeHit: string | undefined;
  if (windowsEnv(env, "NoDefaultCurrentDirectoryInExePath") === undefined) {
    relativeHit = findExecutable(`.\\${command}`, extensions, files);
  }
  for (const directory of splitPathList(windowsEnv(env, "PATH") ?? "")) {
    if (directory === "") continue;
    const hit = findExecutable(joinWindowsPath(directory, command), extensions, files);
    if (hit === undefined) continue;
    // The same program reached through PATH too: run it by its PATH name.
    if (relativeHit !== undefined && !files.sameFile(relativeHit, hit)) {
      return { kind: "current-directory", file: relativeHit };
    }
    if (!isWindowsAbsolute(hit)) {
      relativeHit ??= hit;
      continue;
    }
    return { kind: "found", file: hit };
  }
  return relativeHit === undefined ? { kind: "not-found" } : { kind: "current-directory", file: relativeHit };
}

/** A command with a path in it: never PATH; its own extension when PATHEXT lists it, unchecked. */
function lookUpPath(command: string, extensions: readonly string[], files: WindowsFiles): WindowsLookup {
  const extension = extensionOf(command).toLowerCase();
  if (extension !== "" && extensions.includes(extension)) return { kind: "found", file: command };
  const hit = findExecutable(command, extensions, files);
  return hit === undefined ? { kind: "not-found" } : { kind: "found", file: hit };
}

function findExecutable(
  file: string,
  extensions: readonly string[],
  files: WindowsFiles,
): string | undefined {
  if (extensions.length === 0) return files.isFile(file) ? file : undefined;
  if (hasExtension(file) && files.isFile(file)) return file;
  // Then every extension, even after one: "tool.v2" may well be "tool.v2.exe".
  for (const extension of extensions) if (files.isFile(file + extension)) return file + extension;
  return undefined;
}

function hasExtension(file: string): boolean {
  const dot = file.lastIndexOf(".");
  return dot >= 0 && Math.max(file.lastIndexOf(":"), file.lastIndexOf("\\"), file.lastIndexOf("/")) < dot;
}

function extensionOf(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== "\\" && path[i] !== "/"; i--) {
    if (path[i] === ".") return path.slice(i);
  }
  return "";
}

/** PATH split on ";", where a double-quoted stretch may hold a ";" (the quotes are dropped). */
export function splitPathList(path: string): string[] {
  if (path === "") return [];
  const list: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '"') quoted = !quoted;
    else if (path[i] === ";" && !quoted) {
      list.push(path.slice(start, i));
      start = i + 1;
    }
  }
  list.push(path.slice(start));
  return list.map((entry) => entry.replaceAll('"', ""));
}

function joinWindowsPath(directory: string, name: string): string {
  // "C:" alone means that drive's current directory: Go joins it as "C:aws".
  if (/^[A-Za-z]:$/.test(directory)) return directory + name;
  return `${directory.replace(/[\\/]+$/, "")}\\${name}`;
}

/** A drive with a root ("C:\x") or a UNC path ("\\server\share\x"); "\x" and "C:x" are relative. */
export function isWindowsAbsolute(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path) || /^[\\/]{2}[^\\/]+[\\/]+[^\\/]/.test(path);
}
