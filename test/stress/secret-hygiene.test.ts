import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { startApiServer } from "../e2e/support/api-server.js";
import { shq } from "../e2e/support/fake-plugin.js";
import { kccCache, useSandbox } from "../e2e/support/kcc-cache.js";
import { writeKubeconfig } from "../e2e/support/kubeconfig.js";
import { requireKubectl } from "../e2e/support/kubectl.js";
import { run, type RunResult } from "../e2e/support/run.js";
import { kccBin, type Sandbox } from "../e2e/support/sandbox.js";
import { requireSecretServiceTools, useSecretService } from "../e2e/support/secret-service.js";
import { watchArgv, type SeenProcess } from "./support/argv-watch.js";

// Secrets the user hands the plugin in its arguments: they may appear in the argv of kcc-cache and of
// the plugin (the user put them there), and nowhere else.
const USER_ARGS = [
  "--password",
  "pw-arg-SECRET-1",
  "--client-secret=cs-arg-SECRET-2",
  "--region",
  "eu-west-1",
];
const USER_SECRETS = ["pw-arg-SECRET-1", "cs-arg-SECRET-2", "tk-arg-SECRET-3"];
const SECRET_FLAG = /^--?[\w-]*(token|secret|password|passwd|key|credential)[\w-]*(=(.*))?$/i;

/**
 * A plugin that prints a fresh token per run (`<name>-tok-<run>-SECRET`), records the command lines
 * of its parent chain (kcc-cache, and kubectl where it runs under one), and fails or prints invalid
 * output holding its token when told to by a file, so that every path that handles a token runs.
 */
function writeHygienePlugin(sandbox: Sandbox, name: string): { path: string; tokens: () => string[] } {
  const state = join(sandbox.dir, "plugins", name);
  const body = [
    "#!/bin/sh",
    `state=${shq(state)}; mkdir -p "$state"`,
    'printf "%s\\n" "$$" >> "$state/runs"; n=$(wc -l < "$state/runs" | tr -d " ")',
    `token="${name}-tok-$n-SECRET"; printf "%s\\n" "$token" >> "$state/tokens"`,
    'p=$PPID; for hop in 1 2 3; do [ -r "/proc/$p/cmdline" ] || break; tr "\\0" "\\n" < "/proc/$p/cmdline" >> "$state/parents"; echo >> "$state/parents"; p=$(awk "{print \\$4}" "/proc/$p/stat"); done',
    'mode=$(cat "$state/mode" 2>/dev/null || echo ok)',
    'case "$mode" in',
    '  fail) echo "plugin: failing on purpose" >&2; printf \'{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"%s"}}\\n\' "$token"; exit 1 ;;',
    '  invalid) printf \'{"kind":"NotACredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"%s"}}\\n\' "$token"; exit 0 ;;',
    "esac",
    'expiry=$(date -u -d "@$(( $(date +%s) + 3600 ))" +%Y-%m-%dT%H:%M:%SZ)',
    'printf \'{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"%s","token":"%s"}}\\n\' "$expiry" "$token"',
    "",
  ].join("\n");
  const path = sandbox.writeScript(name, body);
  return {
    path,
    tokens: () => {
      try {
        return readFileSync(join(state, "tokens"), "utf8").split("\n").filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

function setMode(sandbox: Sandbox, name: string, mode: "ok" | "fail" | "invalid"): void {
  const state = join(sandbox.dir, "plugins", name);
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, "mode"), mode);
}

/** Every regular file under `root`, outside the plugins' own records and scripts, as text. */
function filesUnder(root: string): { path: string; text: string }[] {
  const files: { path: string; text: string }[] = [];
  for (const name of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    // The plugins' own records, the user's own kubeconfig (the user wrote those secrets there), and
    // the secret store itself (gnome-keyring's encrypted keyring files).
    if (/^(plugins|bin|bus|user)\//.test(name) || name.includes("keyrings/")) continue;
    const path = join(root, name);
    try {
      if (!statSync(path).isFile()) continue;
      files.push({ path: relative(root, path), text: readFileSync(path, "latin1") });
    } catch {
      continue;
    }
  }
  return files;
}

/** Argument values that look secret (`--token=x`, `--password x`) and that the user did not give. */
function secretLookingArgs(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (const [index, arg] of argv.entries()) {
    const match = SECRET_FLAG.exec(arg);
    if (match === null) continue;
    const value = match[3] ?? argv[index + 1];
    if (value !== undefined && value !== "" && !USER_SECRETS.includes(value) && !value.startsWith("-"))
      found.push(`${arg}${match[3] === undefined ? ` ${value}` : ""}`);
  }
  return found;
}

interface Evidence {
  readonly stderr: string[];
  readonly argv: SeenProcess[];
}

/** `store`: the file that is the secret store (file mode), the one file allowed to hold tokens. */
function check(
  sandbox: Sandbox,
  evidence: Evidence,
  tokens: string[],
  roots: string[],
  store?: string,
): void {
  assert.ok(tokens.length >= 3, `the plugins issued tokens (${tokens.length})`);
  const debugLines = evidence.stderr
    .join("\n")
    .split("\n")
    .filter((line) => line.includes("debug:"));
  assert.ok(debugLines.length > 0, "debug output was on");
  for (const secret of [...tokens, ...USER_SECRETS]) {
    for (const [index, stderr] of evidence.stderr.entries())
      assert.ok(!stderr.includes(secret), `call ${index}'s stderr shows ${secret}`);
  }
  for (const root of roots)
    for (const file of filesUnder(root).filter((f) => join(root, f.path) !== store))
      for (const secret of [...tokens, ...USER_SECRETS])
        assert.ok(!file.text.includes(secret), `${file.path} holds ${secret}`);
  const parents = join(sandbox.dir, "plugins");
  const recorded = readdirSync(parents).flatMap((name) => {
    try {
      return readFileSync(join(parents, name, "parents"), "utf8").split("\n\n");
    } catch {
      return [];
    }
  });
  assert.ok(recorded.length > 0, "the plugins recorded their parents' command lines");
  const argvs = [
    ...evidence.argv.map((p) => p.argv),
    ...recorded.map((text) => text.split("\n").filter(Boolean)),
  ];
  assert.ok(
    evidence.argv.some((p) => p.argv.some((arg) => arg.endsWith("/kcc-cache"))),
    "kcc-cache's argv was seen",
  );
  for (const argv of argvs) {
    for (const token of tokens)
      assert.ok(!argv.some((arg) => arg.includes(token)), `argv ${argv.join(" ")} holds a token`);
    assert.deepEqual(secretLookingArgs(argv), [], `secret-looking arguments in ${argv.join(" ")}`);
  }
}

test("secret hygiene, file store: no token or user secret in stderr (debug on), files or any child's argv", async (t) => {
  const sandbox = useSandbox(t);
  const plugin = writeHygienePlugin(sandbox, "hygiene-file");
  const env = { KUBE_CREDENTIAL_CACHE_DEBUG: "1" };
  const watcher = watchArgv();
  const results: RunResult[] = [];
  const call = async (argv: string[]): Promise<void> => {
    results.push(await kccCache(sandbox, argv, { env }));
  };
  await call([plugin.path, ...USER_ARGS]); // miss
  await call([plugin.path, ...USER_ARGS]); // hit
  await call(["--list"]);
  await call(["--list", "--json"]);
  await call(["--status"]);
  await call(["--clear"]);
  setMode(sandbox, "hygiene-file", "fail");
  await call([plugin.path, ...USER_ARGS]); // plugin failure, its stdout holds a token
  setMode(sandbox, "hygiene-file", "invalid");
  await call([plugin.path, ...USER_ARGS]); // invalid output holding a token: passed on, not cached
  setMode(sandbox, "hygiene-file", "ok");
  await call([plugin.path, ...USER_ARGS]); // miss again
  await call([plugin.path, "--token", "tk-arg-SECRET-3", ...USER_ARGS]); // another key

  // And under a real kubectl: its argv, kcc-cache's and the plugin's are all in the chain.
  const kubectl = requireKubectl(t);
  if (kubectl !== undefined) {
    const server = await startApiServer();
    t.after(() => server.close());
    mkdirSync(join(sandbox.dir, "user"));
    const kubeconfig = writeKubeconfig(
      sandbox,
      server,
      {
        name: "hygiene",
        exec: { command: kccBin("kcc-cache"), args: [plugin.path, "--kubectl", ...USER_ARGS] },
      },
      { path: join(sandbox.dir, "user", "kubeconfig.json") },
    );
    for (let i = 0; i < 2; i += 1) {
      const result = await run(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/version"], {
        env: { ...sandbox.env, ...env },
      });
      assert.equal(result.code, 0, result.stderr);
      results.push(result);
    }
  }
  const argv = await watcher.stop();
  for (const [index, result] of results.entries()) assert.notEqual(result.code, null, `call ${index} ended`);
  check(
    sandbox,
    { stderr: results.map((r) => r.stderr), argv },
    plugin.tokens(),
    [sandbox.dir],
    sandbox.cacheFile,
  );
  assert.equal(statSync(sandbox.cacheFile).mode & 0o777, 0o600, "the cache file is the user's alone");
});

test("secret hygiene, keyring store: the cache directory holds no token; stderr and argv none either", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const { sandbox } = world;
  const plugin = writeHygienePlugin(sandbox, "hygiene-keyring");
  const env = { ...world.env, KUBE_CREDENTIAL_CACHE_DEBUG: "1" };
  const watcher = watchArgv();
  const results: RunResult[] = [];
  const call = async (argv: string[]): Promise<void> => {
    results.push(await kccCache(sandbox, argv, { env }));
  };
  await call([plugin.path, ...USER_ARGS]);
  await call([plugin.path, ...USER_ARGS]);
  await call(["--status"]);
  await call(["--list", "--json"]);
  setMode(sandbox, "hygiene-keyring", "invalid");
  await call([plugin.path, "--other", ...USER_ARGS]);
  setMode(sandbox, "hygiene-keyring", "ok");
  await call([plugin.path, "--third", ...USER_ARGS]);
  await call(["--clear"]);
  const argv = await watcher.stop();
  assert.match(results[0]?.stderr ?? "", /debug: .*store: keyring/, "the keyring served");
  check(sandbox, { stderr: results.map((r) => r.stderr), argv }, plugin.tokens(), [
    dirname(sandbox.cacheFile),
    sandbox.home,
  ]);
});
