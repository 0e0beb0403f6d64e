import { buildCacheDir } from "../../../scripts/build-cache.mjs";
import { skipOrFailUnderCi } from "./skip.js";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestContext } from "node:test";

/**
 * The five release targets, with the executable format each one's binaries must have and the
 * secret-store addon each embeds (none on Linux, where kcc-cache speaks the Secret Service itself).
 */
export const BINARY_TARGETS = [
  { name: "linux-x64", addon: undefined, exe: "", format: "ELF 64-bit LE x86-64" },
  { name: "linux-arm64", addon: undefined, exe: "", format: "ELF 64-bit LE aarch64" },
  { name: "darwin-x64", addon: "darwin-x64", exe: "", format: "Mach-O 64-bit x86-64" },
  { name: "darwin-arm64", addon: "darwin-arm64", exe: "", format: "Mach-O 64-bit arm64" },
  { name: "windows-x64", addon: "win32-x64-msvc", exe: ".exe", format: "PE32+ x86-64" },
] as const;

export const COMMANDS = ["kcc-cache", "kcc-injector"] as const;

/**
 * dist/bin, where `npm run build:bin` writes the binaries, when the suite runs against them
 * (KCC_TEST_TARGET=binary); otherwise the test is skipped with the reason: the npm run does not build them.
 */
export function binariesUnderTest(t: TestContext): string | undefined {
  if (process.env["KCC_TEST_TARGET"] !== "binary") {
    const reason =
      "SKIPPED: the standalone binaries are tested with KCC_TEST_TARGET=binary (npm run test:binary)";
    console.log(reason);
    t.skip(reason);
    return undefined;
  }
  return process.env["KCC_TEST_BINARIES"] ?? resolve(__dirname, "..", "..", "..", "dist", "bin");
}

/** Where build:bin keeps the keyring addons it embeds. */
export function addonCache(): string {
  return buildCacheDir(resolve(__dirname, "..", "..", ".."));
}

/** Names an executable's format from its headers: the OS loader's view of which machine runs it. */
export function executableFormat(bytes: Buffer): string {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const bits = bytes[4] === 2 ? "64-bit" : "32-bit";
    const endian = bytes[5] === 1 ? "LE" : "BE";
    const machine = endian === "LE" ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
    return `ELF ${bits} ${endian} ${ELF_MACHINES.get(machine) ?? `machine ${machine}`}`;
  }
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = bytes.readUInt32LE(4);
    return `Mach-O 64-bit ${MACHO_CPUS.get(cpu) ?? `cpu ${cpu}`}`;
  }
  if (bytes.length >= 64 && bytes.toString("latin1", 0, 2) === "MZ") {
    const pe = bytes.readUInt32LE(0x3c);
    if (bytes.length >= pe + 26 && bytes.toString("latin1", pe, pe + 4) === "PE\0\0") {
      const machine = bytes.readUInt16LE(pe + 4);
      const kind = bytes.readUInt16LE(pe + 24) === 0x20b ? "PE32+" : "PE32";
      return `${kind} ${PE_MACHINES.get(machine) ?? `machine ${machine}`}`;
    }
  }
  return "unknown";
}

const ELF_MACHINES = new Map([
  [0x3e, "x86-64"],
  [0xb7, "aarch64"],
]);
const MACHO_CPUS = new Map([
  [0x01000007, "x86-64"],
  [0x0100000c, "arm64"],
]);
const PE_MACHINES = new Map([
  [0x8664, "x86-64"],
  [0xaa64, "arm64"],
]);

/**
 * qemu-aarch64 (Debian: qemu-user) and an arm64 C library for it (libc6-arm64-cross, or QEMU_LD_PREFIX):
 * what running the linux-arm64 binary on this machine takes. Missing: skipped with the reason, or a
 * failure under CI, which installs both (.ci/run).
 */
export function requireQemuArm64(t: TestContext): { qemu: string; sysroot: string } | undefined {
  const found = spawnSync("sh", ["-c", "command -v qemu-aarch64"], { encoding: "utf8" });
  const qemu = found.status === 0 ? found.stdout.trim() : "";
  const sysroot = process.env["QEMU_LD_PREFIX"] ?? "/usr/aarch64-linux-gnu";
  const missing = [
    ...(qemu === "" ? ["qemu-aarch64 on PATH"] : []),
    ...(existsSync(join(sysroot, "lib", "ld-linux-aarch64.so.1")) ? [] : [`an arm64 libc in ${sysroot}`]),
  ];
  if (missing.length === 0) return { qemu, sysroot };
  skipOrFailUnderCi(
    t,
    `cannot run the linux-arm64 binary here (missing ${missing.join(", ")}; apt-get install qemu-user libc6-arm64-cross)`,
  );
  return undefined;
}

/**
 * What a standalone binary's `<command> --version` prints: the command and the version first (installers
 * read that), then the runtime, the target (any, unless named) and the commit it was built from.
 */
export function binaryVersionLine(command: string, version: string, target = "[a-z]+-[a-z0-9]+"): RegExp {
  return new RegExp(
    `^${command} ${version.replace(/\./g, "\\.")} \\(standalone binary, ${target}, commit ([0-9a-f]{7,}|unknown)\\)\n$`,
  );
}
