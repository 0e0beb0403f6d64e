// A release as users download it, offline: `npm run release` run on a bin directory of stand-ins (and
// the real binaries of the targets a test runs), published under an owner's path of a static HTTP
// server on 127.0.0.1 laid out as GitHub's releases pages are, with the repository beside them for
// git's dumb HTTP protocol.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize, resolve, sep } from "node:path";
import {
  DOCUMENTS,
  MAN_PAGES,
  TARGETS,
  builtBinaryName,
  type Target,
} from "../../../scripts/release-targets.js";

const ROOT = resolve(__dirname, "..", "..", "..");
const PROJECT = "kube-credential-cache";
export const VERSION = "1.2.3";

/**
 * Distinct per file, so a test can tell which archive a command came from; run, it says which name it
 * was started as, as the real executable decides by it which command it is.
 */
export function standInBytes(name: string): Buffer {
  return Buffer.from(`#!/bin/sh\necho "stand-in for ${name}, run as \${0##*/} $*"\n`);
}

/**
 * A bin directory as `npm run build:bin` leaves it: stand-ins, except the targets in `real`, whose
 * binaries are copied from `realBin`; SHA256SUMS lists them all.
 */
export function makeBinDirectory(dir: string, realBin?: string, real: readonly Target[] = []): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const sums: string[] = [];
  for (const target of TARGETS) {
    const name = builtBinaryName(target);
    const isReal = real.some(({ os, arch }) => os === target.os && arch === target.arch);
    if (isReal && realBin !== undefined) copyFileSync(join(realBin, name), join(bin, name));
    else writeFileSync(join(bin, name), standInBytes(name), { mode: 0o755 });
    const digest = createHash("sha256")
      .update(readFileSync(join(bin, name)))
      .digest("hex");
    sums.push(`${digest}  ${name}\n`);
  }
  writeFileSync(join(bin, "SHA256SUMS"), sums.join(""));
  return bin;
}

/** `npm run release --bin <bin> --out <dir>/release` on a stand-in npm package at version VERSION. */
export function makeRelease(dir: string, bin: string): string {
  const pkg = join(dir, "pkg");
  mkdirSync(join(pkg, "dist"), { recursive: true });
  const manifest = { name: PROJECT, version: VERSION, license: "MIT", files: ["dist/*.cjs"] };
  writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest));
  for (const name of DOCUMENTS) writeFileSync(join(pkg, name), `${name}\n`);
  mkdirSync(join(pkg, "dist", "man"));
  for (const name of MAN_PAGES) writeFileSync(join(pkg, "dist", "man", name), `${name}\n`);
  writeFileSync(join(pkg, "dist", "kcc-cache.cjs"), "console.log('stand-in')\n");
  const out = join(dir, "release");
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["KUBE_CREDENTIAL_CACHE_RELEASE_URL"];
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "scripts", "release.ts"), "--bin", bin, "--out", out, "--package", pkg],
    { cwd: ROOT, encoding: "utf8", env },
  );
  assert.equal(run.status, 0, `npm run release: ${run.stderr}`);
  return out;
}

export interface ReleaseServer {
  readonly origin: string;
  /** Where the server's files are: <root>/<owner>/kube-credential-cache/releases/..., <root>/<owner>/kube-credential-cache.git */
  readonly root: string;
  /** The releases URL of an owner, as KUBE_CREDENTIAL_CACHE_RELEASE_URL takes it. */
  releasesUrl(owner: string): string;
  /**
   * Publishes a release's files as version VERSION of `owner` (links, so nothing large is copied);
   * `replace` maps a file name to other bytes for this owner only (a tampered archive, a cut checksums.txt).
   */
  publish(owner: string, release: string, replace?: Record<string, Buffer | string>): void;
  close(): Promise<void>;
}

/**
 * Serves files under its root; `<owner>/kube-credential-cache/releases/latest/download/<asset>`
 * redirects to the newest version's asset, as GitHub does. Query strings are ignored, which makes git
 * fall back to its dumb protocol for the repositories.
 */
export async function startReleaseServer(dir: string): Promise<ReleaseServer> {
  const root = mkdtempSync(join(dir, "www-"));
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://127.0.0.1").pathname);
    const latest = new RegExp(`^/([^/]+)/${PROJECT}/releases/latest/download/([^/]+)$`).exec(path);
    if (latest !== null) {
      response.writeHead(302, {
        location: `/${latest[1] ?? ""}/${PROJECT}/releases/download/v${VERSION}/${latest[2] ?? ""}`,
      });
      response.end();
      return;
    }
    const file = normalize(join(root, path));
    let found = false;
    try {
      found = file.startsWith(root + sep) && statSync(file).isFile();
    } catch {
      found = false;
    }
    if (!found) {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found\n");
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    root,
    releasesUrl: (owner) => `${origin}/${owner}/${PROJECT}/releases`,
    publish(owner, release, replace = {}) {
      const target = join(root, owner, PROJECT, "releases", "download", `v${VERSION}`);
      mkdirSync(target, { recursive: true });
      for (const name of readdirSync(release)) {
        const bytes = replace[name];
        if (bytes === undefined) symlinkSync(join(release, name), join(target, name));
        else writeFileSync(join(target, name), bytes);
      }
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => {
          resolveClose();
        });
      }),
  };
}

/** A bare repository at <root>/<owner>/kube-credential-cache.git with these tags, for dumb HTTP. */
export function publishRepository(server: ReleaseServer, owner: string, tags: readonly string[]): void {
  const work = mkdtempSync(join(tmpdir(), "kcc-repo-"));
  try {
    const git = (cwd: string, ...args: string[]): void => {
      const run = spawnSync("git", args, {
        cwd,
        encoding: "utf8",
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "test",
          GIT_AUTHOR_EMAIL: "test@example.invalid",
          GIT_COMMITTER_NAME: "test",
          GIT_COMMITTER_EMAIL: "test@example.invalid",
          GIT_CONFIG_GLOBAL: "/dev/null",
        },
      });
      assert.equal(run.status, 0, `git ${args.join(" ")}: ${run.stderr}`);
    };
    git(work, "init", "--quiet", "--initial-branch=main");
    git(work, "commit", "--quiet", "--allow-empty", "--message=release");
    for (const tag of tags) git(work, "tag", "--annotate", `--message=${tag}`, tag);
    const bare = join(server.root, owner, `${PROJECT}.git`);
    mkdirSync(join(server.root, owner), { recursive: true });
    git(work, "clone", "--quiet", "--bare", work, bare);
    git(bare, "update-server-info");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
