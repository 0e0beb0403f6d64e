// What a release holds, as data: the platforms the standalone binaries are built for, the names the
// build gives them, and the names the archives get. The archive names follow the Go original's
// goreleaser template (`<project>_<Title-cased OS>_<arch>`, amd64 spelled x86_64, zip on Windows), so
// anything that downloads the original's assets by name finds ours. Each platform has one executable
// that is both commands, chosen by the name it is started under (src/core/command-choice.ts); the
// commands are links to it wherever a channel can make links (docs/install-channels.md).

export type Os = "linux" | "darwin" | "windows";
export type Arch = "x64" | "arm64";
export interface Target {
  readonly os: Os;
  readonly arch: Arch;
}

export const PROJECT = "kube-credential-cache";
export const COMMANDS = ["kcc-cache", "kcc-injector"] as const;
/** Text files each archive carries next to the commands (goreleaser's default LICENSE*, README*, CHANGELOG*). */
export const DOCUMENTS = ["CHANGELOG.md", "LICENSE", "README.md"] as const;
/** The man pages scripts/build.mts writes into dist/man (one source with each command's --help). */
export const MAN_PAGES = ["kcc-cache.1", "kcc-injector.1"] as const;

export const TARGETS: readonly Target[] = [
  { os: "linux", arch: "x64" },
  { os: "linux", arch: "arm64" },
  { os: "darwin", arch: "x64" },
  { os: "darwin", arch: "arm64" },
  { os: "windows", arch: "x64" },
];

const exe = (os: Os): string => (os === "windows" ? ".exe" : "");

/** The one file `npm run build:bin` writes for a platform, e.g. `kube-credential-cache-linux-x64`. */
export function builtBinaryName({ os, arch }: Target): string {
  return `${PROJECT}-${os}-${arch}${exe(os)}`;
}

/** The executable's name inside the archive: `kube-credential-cache`, `kube-credential-cache.exe`. */
export function executableName({ os }: Target): string {
  return `${PROJECT}${exe(os)}`;
}

/**
 * The commands an archive holds as symbolic links to the executable: both in a tarball, none in the
 * Windows zip, which cannot hold links (Scoop's shims name the command instead).
 */
export function archiveLinks(target: Target): readonly string[] {
  return archiveFormat(target) === "zip" ? [] : COMMANDS;
}

export function archiveFormat({ os }: Target): "tar.gz" | "zip" {
  return os === "windows" ? "zip" : "tar.gz";
}

/** `kube-credential-cache_Linux_x86_64.tar.gz`, `kube-credential-cache_Windows_x86_64.zip`, ... */
export function archiveName(target: Target): string {
  const os = target.os.charAt(0).toUpperCase() + target.os.slice(1);
  const arch = target.arch === "x64" ? "x86_64" : target.arch;
  return `${PROJECT}_${os}_${arch}.${archiveFormat(target)}`;
}

/** npm's scope for the packages carrying one platform's binaries; the main package depends on them. */
export const NPM_PLATFORM_SCOPE = "@kube-credential-cache";

/**
 * The npm package carrying a target's binaries, or undefined for Windows: npm's Windows shims run
 * bin files through node, so the main package cannot use a binary there (Scoop ships it instead).
 */
export function npmPlatformPackage({ os, arch }: Target): string | undefined {
  return os === "windows" ? undefined : `${NPM_PLATFORM_SCOPE}/${os}-${arch}`;
}
