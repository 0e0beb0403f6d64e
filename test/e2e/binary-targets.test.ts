import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import {
  binaryVersionLine,
  addonCache,
  BINARY_TARGETS,
  binariesUnderTest,
  COMMANDS,
  executableFormat,
  requireQemuArm64,
} from "./support/binaries.js";
import { assertProbeAgrees, setUpProbeScene } from "../fixtures/libc-fs-scene.js";
import { runOverLibc } from "../fixtures/secret-service-over-libc-run.js";
import { useTempDir } from "../unit/support/temp-dir.js";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, useSandbox } from "./support/kcc-cache.js";
import { run } from "./support/run.js";
import { requireSecretServiceTools, useSecretService } from "./support/secret-service.js";

/** The one file build:bin writes per target: both commands. */
const fileOf = (target: (typeof BINARY_TARGETS)[number]): string =>
  `kube-credential-cache-${target.name}${target.exe}`;
const ALL_FILES = BINARY_TARGETS.map(fileOf);

test("build:bin writes one binary for every target, in the right executable format, listed in SHA256SUMS", (t) => {
  const dir = binariesUnderTest(t);
  if (dir === undefined) return;
  const sums = new Map(
    readFileSync(join(dir, "SHA256SUMS"), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
        assert.ok(match, `SHA256SUMS line in sha256sum format: ${line}`);
        return [match[2] ?? "", match[1] ?? ""] as const;
      }),
  );
  assert.deepEqual([...sums.keys()].sort(), [...ALL_FILES].sort());
  for (const target of BINARY_TARGETS) {
    const file = fileOf(target);
    const path = join(dir, file);
    const bytes = readFileSync(path);
    assert.ok(bytes.length > 0, `${file} is not empty`);
    assert.equal(executableFormat(bytes), target.format, `${file} format`);
    assert.equal(
      createHash("sha256").update(bytes).digest("hex"),
      sums.get(file),
      `${file} matches SHA256SUMS`,
    );
    assert.equal(statSync(path).mode & 0o755, 0o755, `${file} is executable`);
  }
});

test("the macOS and Windows binaries embed their own platform's keyring addon and no other; the Linux ones none", (t) => {
  const dir = binariesUnderTest(t);
  if (dir === undefined) return;
  // A 64 KB slice from the middle of each addon: code, so unique to that build of it.
  const needles = BINARY_TARGETS.flatMap(({ addon }) => {
    if (addon === undefined) return [];
    const whole = readFileSync(join(addonCache(), `keyring-${addon}-2.1.2`, `keyring.${addon}.node`));
    const middle = Math.floor(whole.length / 2);
    return [{ addon, whole, slice: whole.subarray(middle, middle + 65_536) }];
  });
  assert.equal(needles.length, 3, "three platforms need the addon");
  for (const target of BINARY_TARGETS) {
    const binary: Buffer = readFileSync(join(dir, fileOf(target)));
    for (const needle of needles) {
      const own = needle.addon === target.addon;
      const embeds: boolean = own ? binary.includes(needle.whole) : binary.includes(needle.slice);
      assert.equal(embeds, own, `${fileOf(target)} ${own ? "embeds" : "does not embed"} ${needle.addon}`);
    }
    // Every build of the addon carries the source path of its Rust core (keyring-core), which no bun
    // runtime does: a Linux binary without it embeds no build of the addon, not even one not listed here.
    if (target.addon === undefined)
      assert.equal(binary.includes("keyring-core"), false, `${fileOf(target)} embeds no keyring addon`);
  }
});

test("the linux-arm64 binary runs under qemu: both commands' --version, then a miss and a hit", async (t) => {
  const dir = binariesUnderTest(t);
  if (dir === undefined) return;
  const qemu = requireQemuArm64(t);
  if (qemu === undefined) return;
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "arm64-plugin");
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  // Through a shell of its own per call, as kccCache() does: two calls from one parent would look like
  // client-go's retry after a 401. Emulated, a start takes seconds on a busy 2-core machine: the timeout
  // is a hang guard, not a measure.
  // qemu's -argv0 gives the binary the name a link would: the command it is.
  const arm64 = (args: string[], as = "kcc-cache") =>
    run(
      "/bin/sh",
      [
        "-c",
        '"$0" "$@"; exit $?',
        qemu.qemu,
        "-L",
        qemu.sysroot,
        "-0",
        as,
        join(dir, "kube-credential-cache-linux-arm64"),
        ...args,
      ],
      { env: sandbox.env, timeoutMs: 300_000 },
    );

  for (const command of COMMANDS) {
    const version = await arm64(["--version"], command);
    assertOk(version);
    assert.match(version.stdout, binaryVersionLine(command, pkg.version, "linux-arm64"));
  }

  const miss = await arm64(["arm64-plugin"]);
  assertOk(miss);
  assert.equal(miss.stdout, plugin.output(1));
  const hit = await arm64(["arm64-plugin"]);
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1), "the hit serves the stored credential");
  assert.equal(plugin.runs(), 1, "the hit runs no plugin");
});

// The Linux binaries make a hit's file calls through libc with flags of their architecture's own
// (src/io/libc-fs/node-fs.ts): the arm64 bun runtime build:bin compiled with runs the stand-in's probe.
test("the libc stand-in answers as bun's node:fs in the arm64 bun too, under qemu", (t) => {
  if (binariesUnderTest(t) === undefined) return;
  const arm64 = arm64Bun(t);
  if (arm64 === undefined) return;
  const dir = useTempDir(t);
  setUpProbeScene(dir);
  assertProbeAgrees(arm64, dir);
});

// The D-Bus socket is libc's too (src/io/secret-store/libc-socket.ts): the Secret Service client in
// the arm64 bun, against a real gnome-keyring.
test("the Secret Service client over libc's sockets works in the arm64 bun too, under qemu", async (t) => {
  if (binariesUnderTest(t) === undefined) return;
  const arm64 = arm64Bun(t);
  if (arm64 === undefined || !requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const socket = /unix:path=([^,;]+)/.exec(world.busAddress)?.[1] ?? "";
  const written = await runOverLibc(arm64, world.sandbox.env, [socket, "10000", "write", "arm64", "v-arm64"]);
  assert.deepEqual([written.state, written.value], ["ready", "v-arm64"], written.detail);
  const read = await runOverLibc(arm64, world.sandbox.env, [socket, "10000", "read", "arm64"]);
  assert.deepEqual([read.state, read.value], ["ready", "v-arm64"], read.detail);
});

/** The arm64 bun runtime build:bin compiled with, as a command under qemu. */
function arm64Bun(t: TestContext): string[] | undefined {
  const qemu = requireQemuArm64(t);
  if (qemu === undefined) return undefined;
  const devDependencies = (
    JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    }
  ).devDependencies;
  const bun = join(addonCache(), `bun-linux-aarch64-${devDependencies["bun"] ?? ""}`, "bun");
  assert.ok(statSync(bun).isFile(), `build:bin keeps the arm64 runtime at ${bun}`);
  return [qemu.qemu, "-L", qemu.sysroot, bun];
}

test("the npm package never carries the standalone binaries, even when dist/bin holds them", (t) => {
  const dir = binariesUnderTest(t);
  if (dir === undefined) return;
  assert.ok(statSync(join(dir, "SHA256SUMS")).isFile(), "dist/bin is built, so the check means something");
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: join(__dirname, "..", ".."),
      encoding: "utf8",
    }),
  ) as { files: { path: string }[] }[];
  const inBin = (packed[0]?.files ?? []).filter((file) => file.path.startsWith("dist/bin"));
  assert.deepEqual(inBin, []);
});
