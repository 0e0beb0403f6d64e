// Writes the release archives with the system's tools, reproducibly: the same inputs give the same
// bytes (fixed mtime, owner root, sorted entries, no gzip timestamp), so anyone can rebuild a release
// and compare its checksums.txt. GNU tar makes the tarballs; Info-ZIP's zip (Debian's `zip`) makes the
// Windows zip, which keeps Unix modes and needs no npm dependency.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  createWriteStream,
  lutimesSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import {
  DOCUMENTS,
  MAN_PAGES,
  archiveFormat,
  archiveLinks,
  executableName,
  type Target,
} from "./release-targets.js";

export interface ArchiveInput {
  /** Directory holding exactly the files to archive, already with their final names and modes. */
  readonly directory: string;
  /** File names in the directory, in archive order. */
  readonly entries: readonly string[];
  /** Seconds since the epoch, for every entry. */
  readonly mtime: number;
}

/** Fails with one line naming the missing tool, before anything is written. */
export function checkArchiveTools(): void {
  const tar = spawnSync("tar", ["--version"], { encoding: "utf8" });
  if (tar.error !== undefined || !tar.stdout.includes("GNU tar")) {
    throw new Error("GNU tar is needed to write reproducible tarballs (Debian: apt-get install tar)");
  }
  const zip = spawnSync("zip", ["-v"], { encoding: "utf8" });
  if (zip.error !== undefined || zip.status !== 0) {
    throw new Error("zip is needed to write the Windows archive (Debian: apt-get install zip)");
  }
}

/**
 * One platform's archive: the executable (0755), each command as a relative symbolic link to it where
 * the format holds links (archiveLinks), and the documents (0644), put into a temp dir to give them
 * their names, modes and timestamp.
 */
export async function writeArchive(
  target: Target,
  binary: string,
  packageDir: string,
  mtime: number,
  file: string,
): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "kcc-release-"));
  try {
    const entries: string[] = [];
    const add = (source: string, name: string, mode: number): void => {
      copyFileSync(source, join(directory, name));
      chmodSync(join(directory, name), mode);
      utimesSync(join(directory, name), mtime, mtime);
      entries.push(name);
    };
    add(binary, executableName(target), 0o755);
    for (const command of archiveLinks(target)) {
      symlinkSync(executableName(target), join(directory, command));
      lutimesSync(join(directory, command), mtime, mtime);
      entries.push(command);
    }
    for (const name of DOCUMENTS) add(join(packageDir, name), name, 0o644);
    for (const name of MAN_PAGES) add(join(packageDir, "dist", "man", name), name, 0o644);
    const input: ArchiveInput = { directory, entries: entries.sort(), mtime };
    await (archiveFormat(target) === "zip" ? writeZip(input, file) : writeTarGz(input, file));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export async function writeTarGz(input: ArchiveInput, file: string): Promise<void> {
  const tar = spawn(
    "tar",
    [
      "--create",
      "--format=ustar",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      `--mtime=@${input.mtime}`,
      "--file=-",
      `--directory=${input.directory}`,
      "--",
      ...input.entries,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = exitOf(tar, "tar");
  // gzip through zlib: its header carries no file name and a zero timestamp.
  await pipeline(tar.stdout, createGzip({ level: 9 }), createWriteStream(file));
  await exited;
}

export async function writeZip(input: ArchiveInput, file: string): Promise<void> {
  // -X leaves out uid/gid and extended timestamps; zip stores the files' own mtime as a DOS local
  // time, so TZ=UTC makes it the same on every machine.
  const zip = spawn("zip", ["-X", "-9", "-q", file, "--", ...input.entries], {
    cwd: input.directory,
    env: { ...process.env, TZ: "UTC" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  await exitOf(zip, "zip");
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

function exitOf(child: ReturnType<typeof spawn>, tool: string): Promise<void> {
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", (error) => {
      reject(new Error(`${tool} could not run: ${error.message}`));
    });
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} failed (exit ${code ?? "signal"}): ${lastLine(stderr)}`));
    });
  });
}

export function lastLine(text: string): string {
  return (
    text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "")
      .pop() ?? "no message"
  );
}
