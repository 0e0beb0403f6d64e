import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { useSandbox } from "./support/kcc-cache.js";
import { run } from "./support/run.js";
import { kccBin, type Sandbox } from "./support/sandbox.js";
import { missingCommands, skipOrFailUnderCi } from "./support/skip.js";

const GOOD = `# hand-written
apiVersion: v1
kind: Config
users:
- name: dev # the dev user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, dev]
- name: token-user
  user:
    token: not-a-real-token
`;

async function injector(sandbox: Sandbox, args: string[], env: Record<string, string> = {}) {
  return run(kccBin("kcc-injector"), args, { env: { ...sandbox.env, ...env }, cwd: sandbox.dir });
}

function write(sandbox: Sandbox, name: string, text: string, mode = 0o600): string {
  const path = join(sandbox.dir, name);
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
  return path;
}

/** Every file in the sandbox's top directory with its content: what "untouched" compares. */
function snapshot(sandbox: Sandbox): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(sandbox.dir)) {
    const path = join(sandbox.dir, name);
    if (lstatSync(path).isFile()) files[name] = readFileSync(path, "utf8");
  }
  return files;
}

function assertOneLineError(
  result: { code: number | null; stdout: string; stderr: string },
  pattern: RegExp,
): void {
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^kcc-injector: [^\n]+\n$/, "exactly one line on stderr");
  assert.match(result.stderr, pattern);
}

test("without -i the result goes to stdout and the file is untouched", async (t) => {
  const sandbox = useSandbox(t);
  const path = write(sandbox, "config", GOOD);
  const result = await injector(sandbox, [path]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /command: kcc-cache/);
  assert.match(result.stdout, /# the dev user/);
  assert.deepEqual(snapshot(sandbox), { config: GOOD });
});

test("--diff prints a unified diff that patch(1) applies to give the -i result", async (t) => {
  const sandbox = useSandbox(t);
  const path = write(sandbox, "config", GOOD);
  const diff = await injector(sandbox, ["--diff", path]);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /^--- .*config\n\+\+\+ .*config\n@@ /);
  const copy = write(sandbox, "copy", GOOD);
  execFileSync("patch", ["--quiet", copy], { input: diff.stdout });
  assert.equal((await injector(sandbox, ["-i", path])).code, 0);
  assert.equal(readFileSync(copy, "utf8"), readFileSync(path, "utf8"));
});

test("-i writes through a symlink (the link stays), keeps the mode, and keeps a backup with the same mode", async (t) => {
  const sandbox = useSandbox(t);
  const dotfiles = join(sandbox.dir, "dotfiles");
  mkdirSync(dotfiles);
  const target = join(dotfiles, "kubeconfig");
  writeFileSync(target, GOOD);
  chmodSync(target, 0o640);
  const link = join(sandbox.dir, "config");
  symlinkSync(target, link);

  const result = await injector(sandbox, ["-i", link]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /injected dev/);
  assert.ok(lstatSync(link).isSymbolicLink(), "the link is still a link");
  assert.equal(readlinkSync(link), target);
  assert.match(readFileSync(target, "utf8"), /command: kcc-cache/);
  assert.equal(statSync(target).mode & 0o777, 0o640);
  const backup = `${link}.kcc-backup`;
  assert.equal(readFileSync(backup, "utf8"), GOOD);
  assert.equal(statSync(backup).mode & 0o777, 0o640);
  assert.ok(!existsSync(`${link}.lock`) && !existsSync(`${target}.lock`), "locks released");
  assert.deepEqual(readdirSync(dotfiles), ["kubeconfig"], "no temporary or backup file next to the target");
});

test("-i through a link to /dev/stdin, stdin a kubeconfig file: refused in one line, that file unchanged", async (t) => {
  const sandbox = useSandbox(t);
  const source = write(sandbox, "stdin-source.yaml", GOOD);
  const link = join(sandbox.dir, "config");
  symlinkSync("/dev/stdin", link);
  const before = snapshot(sandbox);
  // /dev/stdin leads to /proc/self/fd/0, which in kcc-injector's process is the file its stdin was
  // redirected from: a path that names a different file in every process.
  const result = await run(
    "/bin/sh",
    ["-c", 'exec "$0" "$@" < "$KCC_TEST_STDIN"', kccBin("kcc-injector"), "-i", link],
    { env: { ...sandbox.env, KCC_TEST_STDIN: source }, cwd: sandbox.dir },
  );
  assertOneLineError(result, /cannot read .*config: it leads into \/proc \(procfs\)/);
  assert.deepEqual(snapshot(sandbox), before, "the file stdin came from as it was, no backup, no temp file");
  assert.equal(readFileSync(source, "utf8"), GOOD);
});

test("a held kubectl lock makes -i fail at once, leaving the file and the lock alone", async (t) => {
  const sandbox = useSandbox(t);
  const path = write(sandbox, "config", GOOD);
  write(sandbox, "config.lock", "", 0o000);
  const before = snapshot(sandbox);
  const result = await injector(sandbox, ["-i", path]);
  assertOneLineError(result, /config\.lock exists: kubectl or another kcc-injector is editing/);
  assert.deepEqual(snapshot(sandbox), before);
});

test("restoring a file that was never injected changes nothing and writes no backup", async (t) => {
  const sandbox = useSandbox(t);
  const path = write(sandbox, "config", GOOD);
  const mtime = statSync(path).mtimeMs;
  const result = await injector(sandbox, ["-i", "-r", path]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /nothing to change/);
  assert.deepEqual(snapshot(sandbox), { config: GOOD });
  assert.equal(statSync(path).mtimeMs, mtime);
});

const BAD: { name: string; setup: (sandbox: Sandbox) => string; message: RegExp }[] = [
  {
    name: "a missing file",
    setup: (s) => join(s.dir, "missing"),
    message: /cannot read .*missing: no such file \(ENOENT\)/,
  },
  {
    // Tests run as root, which reads any file whatever its mode; a directory is unreadable as a file for everyone.
    name: "an unreadable path (a directory)",
    setup: (s) => {
      mkdirSync(join(s.dir, "dir"));
      return join(s.dir, "dir");
    },
    message: /cannot read .*dir: it is a directory/,
  },
  {
    name: "not YAML",
    setup: (s) => write(s, "config", "users:\n- name: a\n  user: {exec: [\n"),
    message: /config:\d+:\d+: not valid YAML: /,
  },
  {
    name: "not a kubeconfig",
    setup: (s) => write(s, "config", "apiVersion: apps/v1\nkind: Deployment\n"),
    message: /config:2:7: not a kubeconfig: kind is "Deployment"/,
  },
  {
    name: "an exec entry without a command",
    setup: (s) =>
      write(
        s,
        "config",
        "users:\n- name: a\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n",
      ),
    message: /config:5:7: user "a": exec has no command/,
  },
];
for (const { name, setup, message } of BAD) {
  for (const flags of [["-i"], ["-i", "-r"], []]) {
    test(`${name}: kcc-injector ${flags.join(" ")} prints one line, exits non-zero, touches nothing`, async (t) => {
      const sandbox = useSandbox(t);
      const path = setup(sandbox);
      const before = snapshot(sandbox);
      assertOneLineError(await injector(sandbox, [...flags, path]), message);
      assert.deepEqual(snapshot(sandbox), before);
    });
  }
}

test("with KUBECONFIG naming several files, one bad file means none is written", async (t) => {
  const sandbox = useSandbox(t);
  const first = write(sandbox, "a.yaml", GOOD);
  const bad = write(sandbox, "b.yaml", "users:\n- name: x\n  user:\n    exec: {args: [a]}\n");
  const last = write(sandbox, "c.yaml", GOOD.replace("name: dev", "name: other"));
  const before = snapshot(sandbox);
  const result = await injector(sandbox, ["-i"], { KUBECONFIG: [first, bad, last].join(":") });
  assertOneLineError(result, /b\.yaml:4:11: user "x": exec has no command/);
  assert.deepEqual(snapshot(sandbox), before);
});

test("with KUBECONFIG naming several good files, -i edits each (missing ones skipped, as kubectl does)", async (t) => {
  const sandbox = useSandbox(t);
  const first = write(sandbox, "a.yaml", GOOD);
  const last = write(sandbox, "c.yaml", GOOD.replace("name: dev", "name: other"));
  const list = [first, join(sandbox.dir, "missing.yaml"), last, first].join(":");
  const stdoutOnly = await injector(sandbox, [], { KUBECONFIG: list });
  assertOneLineError(stdoutOnly, /2 kubeconfig files .*use -i/);
  assert.equal(stdoutOnly.code, 2);
  const result = await injector(sandbox, ["-i", "--user", "other"], { KUBECONFIG: list });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(readFileSync(first, "utf8"), GOOD, "--user other leaves dev alone");
  assert.match(readFileSync(last, "utf8"), /command: kcc-cache/);
  assert.ok(!existsSync(`${first}.kcc-backup`));
  assert.ok(existsSync(`${last}.kcc-backup`));
  assertOneLineError(
    await injector(sandbox, ["--user", "nobody"], { KUBECONFIG: first }),
    /no user named "nobody"/,
  );
});

test("with no path and no KUBECONFIG, ~/.kube/config is edited", async (t) => {
  const sandbox = useSandbox(t);
  mkdirSync(join(sandbox.home, ".kube"));
  const path = join(sandbox.home, ".kube", "config");
  writeFileSync(path, GOOD, { mode: 0o600 });
  assert.equal((await injector(sandbox, ["-i"])).code, 0);
  assert.match(readFileSync(path, "utf8"), /command: kcc-cache/);
});

for (const args of [["-x"], ["-c", ""], ["-c"], ["--user", ""]]) {
  test(`usage error ${JSON.stringify(args)}: exit 2 and one line`, async (t) => {
    const sandbox = useSandbox(t);
    const result = await injector(sandbox, args);
    assertOneLineError(result, /kcc-injector/);
    assert.equal(result.code, 2);
  });
}

test("-h prints the usage and --version the version", async (t) => {
  const sandbox = useSandbox(t);
  const help = await injector(sandbox, ["-h"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: kcc-injector/);
  const version = await injector(sandbox, ["--version"]);
  assert.match(
    version.stdout,
    /^kcc-injector \d+\.\d+\.\d+ \((Node v[\d.]+|standalone binary, [\w-]+), commit \w+\)\n$/,
  );
});

test("-i over several files where a later backup path is a directory: nothing is written", async (t) => {
  const sandbox = useSandbox(t);
  const first = write(sandbox, "m1.yaml", GOOD);
  const second = write(sandbox, "m2.yaml", GOOD.replace("name: dev", "name: other"));
  mkdirSync(`${second}.kcc-backup`);
  const before = snapshot(sandbox);
  const result = await injector(sandbox, ["-i", first, second]);
  assert.deepEqual(snapshot(sandbox), before, "m1 byte for byte, no backup, no temporary file, no lock");
  assertOneLineError(result, /m2\.yaml\.kcc-backup: it is a directory; nothing was written/);
  assert.deepEqual(readdirSync(`${second}.kcc-backup`), []);
});

test("-i over several files where a later file cannot be replaced: the files already written are put back", async (t) => {
  const sandbox = useSandbox(t);
  const missing = missingCommands(["chattr"]);
  if (missing.length > 0) {
    skipOrFailUnderCi(t, `needs ${missing.join(", ")} (e2fsprogs)`);
    return;
  }
  const first = write(sandbox, "m1.yaml", GOOD);
  const second = write(sandbox, "m2.yaml", GOOD.replace("name: dev", "name: other"));
  write(sandbox, "m1.yaml.kcc-backup", "an older backup\n");
  // Immutable: every step before the last rename succeeds (the directory stays writable), and the
  // rename over m2 fails even for root, after m1 and m2's backup are in place.
  if (spawnSync("chattr", ["+i", second]).status !== 0) {
    skipOrFailUnderCi(t, `chattr +i is not supported on ${sandbox.dir}'s file system`);
    return;
  }
  try {
    const before = snapshot(sandbox);
    const result = await injector(sandbox, ["-i", first, second]);
    assert.deepEqual(
      snapshot(sandbox),
      before,
      "m1 and its older backup as they were, no new backup or temp",
    );
    assertOneLineError(result, /cannot write .*m2\.yaml: permission denied \(EPERM\); nothing was changed/);
  } finally {
    // Before the sandbox is removed, which an immutable file would stop.
    spawnSync("chattr", ["-i", second]);
  }
});
