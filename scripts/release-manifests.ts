// The text files of a release, as pure functions of names and digests: checksums.txt, the Homebrew
// cask and the Scoop manifest (shaped as goreleaser writes them for the Go original), and where the
// assets will be downloaded from.
import { COMMANDS, PROJECT, archiveName, executableName, type Target } from "./release-targets.js";

/**
 * Where releases live when neither KUBE_CREDENTIAL_CACHE_RELEASE_URL nor package.json `repository`
 * says: a placeholder owner, to be replaced by the real one before the first public release.
 */
export const PLACEHOLDER_REPOSITORY = "https://github.com/kube-credential-cache-ts/kube-credential-cache";
// Homebrew's audit rejects descriptions over 80 characters, so the package.json one does not fit.
export const SHORT_DESCRIPTION = "Caching proxy for Kubernetes exec credential plugins";

export interface Asset {
  readonly name: string;
  readonly sha256: string;
}

export interface ReleaseInfo {
  readonly version: string;
  /** `<base>/download/v<version>/<asset>` is where each asset is downloaded from. */
  readonly releasesUrl: string;
  readonly homepage: string;
  readonly license: string;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const HEX64 = /^[0-9a-f]{64}$/;

export function checkVersion(version: unknown): string {
  if (typeof version !== "string" || !SEMVER.test(version)) {
    throw new Error(`package.json version ${JSON.stringify(version)} is not a semantic version`);
  }
  return version;
}

/** The GitHub page of package.json's `repository` (string or `{ url }`), or undefined when unset. */
export function repositoryPage(repository: unknown): string | undefined {
  const raw =
    typeof repository === "object" && repository !== null && "url" in repository
      ? repository.url
      : repository;
  if (raw === undefined) return undefined;
  const text = typeof raw === "string" ? raw : "";
  const match =
    /^(?:git\+)?(?:https?|git|ssh):\/\/(?:git@)?github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(
      text,
    ) ?? /^(?:github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(text);
  if (match === null) {
    throw new Error(
      `package.json repository ${JSON.stringify(raw)} is not a GitHub repository; set KUBE_CREDENTIAL_CACHE_RELEASE_URL`,
    );
  }
  return `https://github.com/${match[1] ?? ""}/${match[2] ?? ""}`;
}

/** The releases URL: the variable when set, else `<repository page>/releases`. No trailing slash. */
export function releasesUrl(fromEnvironment: string | undefined, homepage: string): string {
  if (fromEnvironment === undefined || fromEnvironment === "") return `${homepage}/releases`;
  let url: URL;
  try {
    url = new URL(fromEnvironment);
  } catch {
    throw new Error(`KUBE_CREDENTIAL_CACHE_RELEASE_URL ${JSON.stringify(fromEnvironment)} is not a URL`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search !== "" || url.hash !== "") {
    throw new Error(
      `KUBE_CREDENTIAL_CACHE_RELEASE_URL ${JSON.stringify(fromEnvironment)} must be an http(s) URL without query or fragment`,
    );
  }
  return url.href.replace(/\/+$/, "");
}

export function assetUrl(release: ReleaseInfo, asset: string): string {
  return `${release.releasesUrl}/download/v${release.version}/${asset}`;
}

/** Parses sha256sum output (`<hex>  <name>`, or `<hex> *<name>` in binary mode) into name → digest. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (match === null) throw new Error(`SHA256SUMS line ${index + 1} is not "<sha256>  <file name>"`);
    sums.set(match[2] ?? "", (match[1] ?? "").toLowerCase());
  });
  return sums;
}

/** checksums.txt as goreleaser writes it: `<hex>  <name>` per asset, sorted by name. */
export function checksumsText(assets: readonly Asset[]): string {
  return [...assets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((asset) => `${checkDigest(asset).sha256}  ${asset.name}\n`)
    .join("");
}

/** The archive's digest for a target, from the assets already written. */
export function digestFor(assets: readonly Asset[], target: Target): string {
  const name = archiveName(target);
  const asset = assets.find((candidate) => candidate.name === name);
  if (asset === undefined) throw new Error(`no archive ${name} to describe`);
  return checkDigest(asset).sha256;
}

function checkDigest(asset: Asset): Asset {
  if (!HEX64.test(asset.sha256)) throw new Error(`${asset.name}: ${asset.sha256} is not a sha256 digest`);
  return asset;
}

// Ruby double-quoted strings interpolate `#{...}`; escape it along with quotes and backslashes.
const ruby = (text: string): string => `"${text.replace(/[\\"#]/g, (c) => `\\${c}`)}"`;

/**
 * A Homebrew cask installing both commands from the macOS archives (Apple silicon and Intel): each a
 * `binary` stanza linking the command's name on PATH to the one executable, which runs as the
 * command it is started as.
 */
export function homebrewCask(release: ReleaseInfo, assets: readonly Asset[]): string {
  const arch = (block: string, target: Target): string[] => [
    `    ${block} do`,
    `      url ${ruby(assetUrl(release, archiveName(target)))}`,
    `      sha256 ${ruby(digestFor(assets, target))}`,
    `    end`,
  ];
  return [
    `# Generated by \`npm run release\`; do not edit.`,
    `cask ${ruby(PROJECT)} do`,
    `  name ${ruby(PROJECT)}`,
    `  desc ${ruby(SHORT_DESCRIPTION)}`,
    `  homepage ${ruby(release.homepage)}`,
    `  version ${ruby(release.version)}`,
    ``,
    `  livecheck do`,
    `    skip "Auto-generated on release."`,
    `  end`,
    ``,
    ...COMMANDS.map((command) => `  binary ${ruby(PROJECT)}, target: ${ruby(command)}`),
    ``,
    `  on_macos do`,
    ...arch("on_intel", { os: "darwin", arch: "x64" }),
    ...arch("on_arm", { os: "darwin", arch: "arm64" }),
    `  end`,
    ``,
    // The binary is not notarized: without this, Gatekeeper refuses the downloaded commands.
    `  postflight do`,
    `    if system_command("/usr/bin/xattr", args: ["-h"]).exit_status == 0`,
    `      system_command "/usr/bin/xattr", args: ["-dr", "com.apple.quarantine", "#{staged_path}/${PROJECT}"]`,
    `    end`,
    `  end`,
    `end`,
    ``,
  ].join("\n");
}

/**
 * A Scoop manifest installing both commands from the Windows archive's one executable: a shim per
 * command (`[program, shim name, arguments]`) that runs it with the command's name as its first
 * argument, since a zip cannot hold the links that name it otherwise.
 */
export function scoopManifest(release: ReleaseInfo, assets: readonly Asset[]): string {
  const windows: Target = { os: "windows", arch: "x64" };
  const manifest = {
    version: release.version,
    architecture: {
      "64bit": {
        url: assetUrl(release, archiveName(windows)),
        bin: COMMANDS.map((command) => [executableName(windows), command, command]),
        hash: digestFor(assets, windows),
      },
    },
    homepage: release.homepage,
    license: release.license,
    description: SHORT_DESCRIPTION,
  };
  return `${JSON.stringify(manifest, null, 4)}\n`;
}
