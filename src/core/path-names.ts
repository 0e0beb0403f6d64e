/**
 * The few path operations the hit path needs, as string operations on the platform's own separators.
 * node:path would do, but loading it costs a binary hit about 1-2 ms and some MiB of memory
 * (docs/startup.md); no normalisation is wanted here, as every directory comes from the cache
 * location, already absolute. Pure: the caller says which OS's paths these are.
 */
export function separatorOf(os: NodeJS.Platform): string {
  return os === "win32" ? "\\" : "/";
}

/** Where the last separator is: Windows takes both slashes, as its file APIs do. */
function lastSeparator(path: string, os: NodeJS.Platform): number {
  return os === "win32" ? Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/")) : path.lastIndexOf("/");
}

/** `name` inside `directory`, one separator between them. */
export function childPath(directory: string, name: string, os: NodeJS.Platform): string {
  const endsWithSeparator = directory.length > 0 && lastSeparator(directory, os) === directory.length - 1;
  return `${directory}${endsWithSeparator ? "" : separatorOf(os)}${name}`;
}

/** The directory a path is in ("." for a bare name); a root ("/", "C:\") stays whole. */
export function parentPath(path: string, os: NodeJS.Platform): string {
  const cut = lastSeparator(path, os);
  if (cut < 0) return ".";
  if (cut === 0) return path.slice(0, 1);
  const head = path.slice(0, cut);
  const letter = head.charCodeAt(0) | 0x20;
  const driveRoot =
    os === "win32" && head.length === 2 && head[1] === ":" && letter >= 0x61 && letter <= 0x7a;
  return driveRoot ? path.slice(0, cut + 1) : head;
}

/** The last part of a path. */
export function baseName(path: string, os: NodeJS.Platform): string {
  return path.slice(lastSeparator(path, os) + 1);
}
