import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, clusterInfo, execInfo, kccCache, useSandbox } from "./support/kcc-cache.js";
import type { Sandbox } from "./support/sandbox.js";
import { requireSecretServiceTools, useSecretService } from "./support/secret-service.js";

interface JsonRow {
  key: string;
  store: string;
  type: string | null;
  expiresAt: string | null;
  expiresInSeconds: number | null;
}

/**
 * The cache key kcc-cache gives `exec` run in a sandbox: the sandbox sets HOME and the AWS files, which
 * select an identity and so are always in the key (docs/cache-key.md).
 */
function sandboxKey(sandbox: Sandbox, exec: string[]): string {
  const env = {
    AWS_CONFIG_FILE: sandbox.env["AWS_CONFIG_FILE"],
    AWS_SHARED_CREDENTIALS_FILE: sandbox.env["AWS_SHARED_CREDENTIALS_FILE"],
    HOME: sandbox.home,
    XDG_CACHE_HOME: sandbox.env["XDG_CACHE_HOME"],
  };
  return `exec=${JSON.stringify(exec)} env=${JSON.stringify(env)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function listJson(sandbox: Sandbox, env: Record<string, string | undefined> = {}): Promise<JsonRow[]> {
  const result = await kccCache(sandbox, ["--list", "--json"], { env });
  assertOk(result);
  return JSON.parse(result.stdout) as JsonRow[];
}

test("file store: --list, --status and --clear on an empty cache", async (t) => {
  const sandbox = useSandbox(t);
  const list = await kccCache(sandbox, ["--list"]);
  assertOk(list);
  assert.equal(list.stdout, "no cached credentials\n");
  assert.deepEqual(await listJson(sandbox), []);
  const status = await kccCache(sandbox, ["--status"]);
  assertOk(status);
  assert.match(status.stdout, /^kcc-cache \d+\.\d+\.\d+/);
  assert.match(status.stdout, /store: +file — KUBE_CREDENTIAL_CACHE_BACKEND=file/);
  assert.ok(status.stdout.includes(`${sandbox.cacheFile} (missing, 0 entries)`), status.stdout);
  const clear = await kccCache(sandbox, ["--clear"]);
  assertOk(clear);
  assert.match(clear.stdout, /0 entries removed/);
});

test("file store: --list shows key, store, expiry and kind but never the token; --clear removes by key", async (t) => {
  const sandbox = useSandbox(t);
  const one = writeFakePlugin(sandbox, "list-one");
  const two = writeFakePlugin(sandbox, "list-two", { expirationTimestamp: "2099-01-01T00:00:00Z" });
  assertOk(await kccCache(sandbox, ["list-one"]));
  assertOk(await kccCache(sandbox, ["list-two"]));
  const rows = await listJson(sandbox);
  assert.deepEqual(
    rows.map((row) => [row.key, row.store, row.type, row.expiresAt]),
    [
      [sandboxKey(sandbox, ["list-one"]), "file", "token", rows[0]?.expiresAt ?? null],
      [sandboxKey(sandbox, ["list-two"]), "file", "token", "2099-01-01T00:00:00.000Z"],
    ],
  );
  const inAnHour = rows[0]?.expiresInSeconds ?? 0;
  assert.ok(inAnHour > 3000 && inAnHour <= 3600, `about an hour left: ${inAnHour}`);
  const text = await kccCache(sandbox, ["--list"]);
  assert.match(text.stdout, /^STORE +EXPIRES IN +TYPE +KEY$/m);
  assert.match(
    text.stdout,
    new RegExp(`^file +\\d+m\\d+s +token +${escapeRegExp(sandboxKey(sandbox, ["list-one"]))}$`, "m"),
  );
  assert.doesNotMatch(text.stdout, /secret/, "no token in --list");

  const clear = await kccCache(sandbox, ["--clear", sandboxKey(sandbox, ["list-one"]), 'exec=["unknown"]']);
  // The known key is removed; the one not cached is named, and fails the command as rm would.
  assert.equal(clear.code, 1, clear.stderr);
  assert.ok(
    clear.stdout.split("\n").includes(`removed (file): ${sandboxKey(sandbox, ["list-one"])}`),
    clear.stdout,
  );
  assert.match(clear.stderr, /not cached: exec=\["unknown"\]/);
  assert.deepEqual(
    (await listJson(sandbox)).map((row) => row.key),
    [sandboxKey(sandbox, ["list-two"])],
  );
  assertOk(await kccCache(sandbox, ["list-one"]));
  assert.equal(one.runs(), 2, "a cleared entry is refreshed");
  assertOk(await kccCache(sandbox, ["--clear"]));
  assert.deepEqual(await listJson(sandbox), []);
  assertOk(await kccCache(sandbox, ["list-two"]));
  assert.equal(two.runs(), 2);
});

test("file store: a corrupt cache file is reported by --status, listed as empty and cleared", async (t) => {
  const sandbox = useSandbox(t);
  mkdirSync(dirname(sandbox.cacheFile), { recursive: true, mode: 0o700 });
  writeFileSync(sandbox.cacheFile, "{not json", { mode: 0o600 });
  const status = await kccCache(sandbox, ["--status", "--json"]);
  assertOk(status);
  const report = JSON.parse(status.stdout) as { store: string; file: { state: string; entries: number } };
  assert.equal(report.store, "file");
  assert.deepEqual([report.file.state, report.file.entries], ["broken", 0]);
  const list = await kccCache(sandbox, ["--list"]);
  assertOk(list);
  assert.equal(list.stdout, "no cached credentials\n");
  assert.match(list.stderr, /broken/);
  assertOk(await kccCache(sandbox, ["--clear"]));
  assert.deepEqual(JSON.parse(readFileSync(sandbox.cacheFile, "utf8")), { kcc: 1, entries: {} });
});

test("management options: usage errors, one line pointing to --help", async (t) => {
  const sandbox = useSandbox(t);
  for (const argv of [
    ["--list", "extra"],
    ["--status", "--yaml"],
    ["--clear", "--json"],
  ]) {
    const result = await kccCache(sandbox, argv);
    assert.equal(result.code, 2, argv.join(" "));
    assert.match(result.stderr, /^kcc-cache: [^\n]+ \(see kcc-cache --help\)\n$/, argv.join(" "));
  }
  assertOk(await kccCache(sandbox, ["--json", "--list"]));
});

test("--status exits 3 when credentials would not be cached, with cached: false in --json", async (t) => {
  const sandbox = useSandbox(t);
  const off = { KUBE_CREDENTIAL_CACHE_FILE: "/dev/null" };
  const status = await kccCache(sandbox, ["--status"], { env: off });
  assert.equal(status.code, 3, status.stderr);
  assert.match(status.stdout, /^caching: +no: /m);
  const json = await kccCache(sandbox, ["--status", "--json"], { env: off });
  assert.equal(json.code, 3, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { cached: boolean }).cached, false);
  const on = await kccCache(sandbox, ["--status", "--json"]);
  assertOk(on);
  assert.equal((JSON.parse(on.stdout) as { cached: boolean }).cached, true);
});

test("--clear by what the user knows: --context through the kubeconfig, --user; a second --clear exits 1", async (t) => {
  const sandbox = useSandbox(t);
  writeFakePlugin(sandbox, "ctx-plugin");
  const kubeconfig = join(sandbox.dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    "contexts: [{name: dev, context: {cluster: c, user: alice}}]\nclusters: [{name: c, cluster: {server: https://c.example}}]\n",
  );
  const as = (user: string) => ({
    env: {
      KUBE_CREDENTIAL_CACHE_USER: user,
      KUBERNETES_EXEC_INFO: execInfo(undefined, { cluster: clusterInfo({ server: "https://c.example" }) }),
    },
  });
  assertOk(await kccCache(sandbox, ["ctx-plugin"], as("alice")));
  assertOk(await kccCache(sandbox, ["ctx-plugin"], as("bob")));
  const env = { KUBECONFIG: kubeconfig };
  const cleared = await kccCache(sandbox, ["--clear", "--context", "dev"], { env });
  assertOk(cleared);
  assert.match(
    cleared.stdout,
    /^removed \(file\): user="alice" server="https:\/\/c\.example" .*\n1 entry removed\n$/,
  );
  const again = await kccCache(sandbox, ["--clear", "--context", "dev"], { env });
  assert.equal(again.code, 1);
  assert.equal(again.stderr, 'kcc-cache: not cached: no entry matches --context "dev"\n');
  assertOk(await kccCache(sandbox, ["--clear", "--user", "bob"]));
  assert.deepEqual(await listJson(sandbox), []);
});

test("--completion bash: the installed command's script completes in a real bash", async (t) => {
  const sandbox = useSandbox(t);
  const script = await kccCache(sandbox, ["--completion", "bash"]);
  assertOk(script);
  const file = join(sandbox.dir, "kcc-cache.bash");
  writeFileSync(file, script.stdout);
  const completed = spawnSync(
    "bash",
    [
      "-c",
      `source ${file}; COMP_WORDS=(kcc-cache --clear --pl); COMP_CWORD=2; _kcc_cache_complete; echo "\${COMPREPLY[@]}"`,
    ],
    { encoding: "utf8" },
  );
  assert.equal(completed.stderr, "");
  assert.equal(completed.stdout, "--plugin\n");
});

test("keyring store: --list, --status and --clear see the Secret Service entries", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const env = world.env;
  const status = await kccCache(world.sandbox, ["--status"], { env });
  assertOk(status);
  assert.match(status.stdout, /store: +keyring — Secret Service \(auto/);
  assert.match(
    status.stdout,
    /keyring: +Secret Service \(D-Bus\), service kube-credential-cache \(0 entries\)/,
  );
  assert.equal((await kccCache(world.sandbox, ["--list"], { env })).stdout, "no cached credentials\n");

  const plugin = writeFakePlugin(world.sandbox, "ring-plugin");
  assertOk(await kccCache(world.sandbox, ["ring-plugin"], { env }));
  // One entry in the file too, through the forced file backend: --list shows both stores.
  assertOk(
    await kccCache(world.sandbox, ["ring-plugin", "file-arg"], {
      env: { KUBE_CREDENTIAL_CACHE_BACKEND: "file" },
    }),
  );
  const rows = await listJson(world.sandbox, env);
  assert.deepEqual(
    rows.map((row) => [row.store, row.key, row.type]),
    [
      ["file", sandboxKey(world.sandbox, ["ring-plugin", "file-arg"]), "token"],
      ["keyring", sandboxKey(world.sandbox, ["ring-plugin"]), "token"],
    ],
  );
  const text = await kccCache(world.sandbox, ["--list"], { env });
  assert.doesNotMatch(text.stdout, /ring-plugin-secret/);
  assert.match((await kccCache(world.sandbox, ["--status"], { env })).stdout, /\(1 entry\)/);

  const clear = await kccCache(world.sandbox, ["--clear"], { env });
  assertOk(clear);
  assert.match(clear.stdout, /2 entries removed/);
  assert.doesNotMatch(world.search(), /attribute\.username/, "gone from the Secret Service");
  assert.deepEqual(await listJson(world.sandbox, env), []);
  assertOk(await kccCache(world.sandbox, ["ring-plugin"], { env }));
  assert.equal(plugin.runs(), 3, "cleared entries are refreshed");
});

test("keyring store: a damaged entry is a miss and is overwritten", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const env = world.env;
  const plugin = writeFakePlugin(world.sandbox, "damaged-plugin");
  assertOk(await kccCache(world.sandbox, ["damaged-plugin"], { env }));
  const { spawnSync } = await import("node:child_process");
  const stored = spawnSync(
    "secret-tool",
    [
      "store",
      "--label=damaged",
      "service",
      "kube-credential-cache",
      "username",
      sandboxKey(world.sandbox, ["damaged-plugin"]),
    ],
    { env: { ...world.sandbox.env, DBUS_SESSION_BUS_ADDRESS: world.busAddress }, input: "not an entry" },
  );
  assert.equal(stored.status, 0);
  const list = await listJson(world.sandbox, env);
  assert.deepEqual(
    list.map((row) => [row.key, row.type]),
    [[sandboxKey(world.sandbox, ["damaged-plugin"]), null]],
  );
  const miss = await kccCache(world.sandbox, ["damaged-plugin"], { env });
  assertOk(miss);
  assert.equal(miss.stdout, plugin.output(2));
  const hit = await kccCache(world.sandbox, ["damaged-plugin"], { env });
  assert.equal(hit.stdout, plugin.output(2), "the overwritten entry is served");
  assert.equal(plugin.runs(), 2);
});

test("keyring store: --list reads many entries at once and gives each its own", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  // More entries than --list reads at once, each expiring a different number of hours from now, and
  // named in the keys index as kcc-cache names them.
  const dir = join(world.sandbox.dir, "many");
  mkdirSync(dir, { mode: 0o700 });
  const now = Date.now();
  const keys = Array.from({ length: 40 }, (_, n) => `exec=["many","${String(n).padStart(2, "0")}"]`);
  const index: Record<string, { parts: number; expiresAtMs: number }> = {};
  for (const [n, key] of keys.entries()) {
    const expiresAtMs = now + (n + 1) * 3_600_000;
    index[key] = { parts: 0, expiresAtMs };
    const entry = {
      credential: `{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"many-${n}"}}\n`,
      expiresAtMs,
      expirySource: "plugin",
      kind: "token",
      storedAtMs: now,
    };
    const stored = spawnSync(
      "secret-tool",
      [
        "store",
        `--label=keyring:${key}@kube-credential-cache`,
        "service",
        "kube-credential-cache",
        "username",
        key,
      ],
      {
        env: { ...world.sandbox.env, DBUS_SESSION_BUS_ADDRESS: world.busAddress },
        input: JSON.stringify(entry),
      },
    );
    assert.equal(stored.status, 0, stored.stderr.toString());
  }
  writeFileSync(join(dir, "keyring-index.json"), `${JSON.stringify({ kcc: 1, keyring: index })}\n`, {
    mode: 0o600,
  });
  const rows = await listJson(world.sandbox, {
    ...world.env,
    KUBE_CREDENTIAL_CACHE_FILE: join(dir, "cache.json"),
  });
  assert.deepEqual(
    rows.map((row) => [row.store, row.key, row.type]),
    keys.map((key) => ["keyring", key, "token"]),
  );
  // Each row's expiry is its own entry's: entry n expires in n + 1 hours.
  assert.deepEqual(
    rows.map((row) => Math.round((row.expiresInSeconds ?? 0) / 3600)),
    keys.map((_, n) => n + 1),
  );
});
