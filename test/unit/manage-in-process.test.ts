import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { runInjector } from "../../src/cli/kcc-injector.js";
import { clusterInfo, execInfo, stderrLines } from "../e2e/support/kcc-cache.js";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { useInProcessCache, type InProcessCache } from "./support/in-process-cache.js";

interface JsonRow {
  readonly key: string;
}

/**
 * A cache holding five credentials: alice and bob on the prod cluster (through kcc-injector's user
 * variable and kubectl's cluster information), bob on staging, one with no user or cluster, and one
 * of another plugin; and a kubeconfig at KUBECONFIG that names them as kubectl would.
 */
async function populated(t: TestContext): Promise<{ cache: InProcessCache; env: Record<string, string> }> {
  const cache = useInProcessCache(t);
  const aws = writeFakePlugin(cache.sandbox, "aws");
  const other = writeFakePlugin(cache.sandbox, "gke-gcloud-auth-plugin");
  const kubeconfig = join(cache.sandbox.dir, "kubeconfig");
  writeFileSync(
    kubeconfig,
    `clusters:
- {name: prod, cluster: {server: "https://prod.example"}}
- {name: staging, cluster: {server: "https://staging.example"}}
contexts:
- {name: alice@prod, context: {cluster: prod, user: alice}}
- {name: bob@staging, context: {cluster: staging, user: bob}}
users: [{name: alice}, {name: bob}]
`,
  );
  const env = { KUBECONFIG: kubeconfig };
  const at = (server: string) => execInfo(undefined, { cluster: clusterInfo({ server }) });
  const calls: [string, Record<string, string>][] = [
    [aws.path, { KUBE_CREDENTIAL_CACHE_USER: "alice", KUBERNETES_EXEC_INFO: at("https://prod.example") }],
    [aws.path, { KUBE_CREDENTIAL_CACHE_USER: "bob", KUBERNETES_EXEC_INFO: at("https://prod.example") }],
    [aws.path, { KUBE_CREDENTIAL_CACHE_USER: "bob", KUBERNETES_EXEC_INFO: at("https://staging.example") }],
    [aws.path, {}],
    [other.path, { KUBE_CREDENTIAL_CACHE_USER: "alice" }],
  ];
  for (const [plugin, extra] of calls) assert.equal((await cache.call([plugin], { env: extra })).code, 0);
  return { cache, env };
}

/** Who a key belongs to, for reading the tables below: user@server-host plugin. */
function label(key: string): string {
  const user = /user="([^"]*)"/.exec(key)?.[1] ?? "-";
  const host = /server="https:\/\/([^".]*)/.exec(key)?.[1] ?? "-";
  const plugin = /exec=\["[^"]*\/([^"/]*)"/.exec(key)?.[1] ?? "?";
  return `${user}@${host} ${plugin}`;
}

const ALL = [
  "alice@prod aws",
  "bob@prod aws",
  "bob@staging aws",
  "-@- aws",
  "alice@- gke-gcloud-auth-plugin",
];

const LISTS: [string, string[], string[]][] = [
  ["no filter", [], ALL],
  ["--user", ["--user", "bob"], ["bob@prod aws", "bob@staging aws"]],
  ["--cluster", ["--cluster", "prod"], ["alice@prod aws", "bob@prod aws"]],
  ["--context: its user and its cluster", ["--context", "bob@staging"], ["bob@staging aws"]],
  ["--plugin by name", ["--plugin", "gke-gcloud-auth-plugin"], ["alice@- gke-gcloud-auth-plugin"]],
  ["filters combine", ["--user", "alice", "--plugin", "aws"], ["alice@prod aws"]],
  ["--json before --list", ["--json"], ALL],
  ["a filter that matches nothing", ["--user", "carol"], []],
];
for (const [what, filter, expected] of LISTS)
  test(`--list ${what}`, async (t) => {
    const { cache, env } = await populated(t);
    const listed = await cache.call(
      filter[0] === "--json" ? ["--json", "--list"] : ["--list", "--json", ...filter],
      { env },
    );
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as JsonRow[]).map((row) => label(row.key)).sort(),
      [...expected].sort(),
    );
  });

const CLEARS: [string, string[], number, RegExp | undefined, string[]][] = [
  [
    "by --user",
    ["--user", "bob"],
    0,
    undefined,
    ["alice@prod aws", "-@- aws", "alice@- gke-gcloud-auth-plugin"],
  ],
  ["by --context", ["--context", "alice@prod"], 0, undefined, ALL.filter((who) => who !== "alice@prod aws")],
  ["by --plugin", ["--plugin", "aws"], 0, undefined, ["alice@- gke-gcloud-auth-plugin"]],
  ["--all", ["--all"], 0, undefined, []],
  [
    "a filter that selects nothing: exit 1",
    ["--user", "carol"],
    1,
    /^kcc-cache: not cached: no entry matches --user "carol"$/,
    ALL,
  ],
  [
    "a key that is not cached: exit 1",
    ['exec=["nothing"]'],
    1,
    /^kcc-cache: not cached: exec=\["nothing"\]$/,
    ALL,
  ],
  [
    "an unknown context: exit 2, nothing changed",
    ["--context", "nope"],
    2,
    /^kcc-cache: no context "nope" in .*kubeconfig \(see kcc-cache --help\)$/,
    ALL,
  ],
  [
    "--json: exit 2, nothing changed",
    ["--json"],
    2,
    /^kcc-cache: --json goes with --list or --status \(see kcc-cache --help\)$/,
    ALL,
  ],
];
for (const [what, args, code, message, left] of CLEARS)
  test(`--clear ${what}`, async (t) => {
    const { cache, env } = await populated(t);
    const cleared = await cache.call(["--clear", ...args], { env });
    assert.equal(cleared.code, code, cleared.stderr);
    if (message === undefined) assert.equal(cleared.stderr, "");
    else assert.match(stderrLines(cleared).join("\n"), message);
    const listed = await cache.call(["--list", "--json"], { env });
    assert.deepEqual(
      (JSON.parse(listed.stdout) as JsonRow[]).map((row) => label(row.key)).sort(),
      [...left].sort(),
    );
  });

test("--clear KEY removes exactly the key --list showed, and exits 0", async (t) => {
  const { cache, env } = await populated(t);
  const rows = JSON.parse(
    (await cache.call(["--list", "--json", "--user", "alice", "--plugin", "aws"], { env })).stdout,
  ) as JsonRow[];
  const key = rows[0]?.key ?? "";
  const cleared = await cache.call(["--clear", key], { env });
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.equal(cleared.stdout, `removed (file): ${key}\n1 entry removed\n`);
});

test("--context without a kubeconfig: one line naming the file, exit 1", async (t) => {
  const cache = useInProcessCache(t);
  const result = await cache.call(["--list", "--context", "prod"]);
  assert.equal(result.code, 1);
  assert.equal(stderrLines(result).length, 1, result.stderr);
  assert.match(result.stderr, /cannot read .*\.kube\/config/);
});

const STATUSES: [string, Record<string, string>, number, boolean][] = [
  ["the file store: 0", {}, 0, true],
  ["caching off by /dev/null: 3", { KUBE_CREDENTIAL_CACHE_FILE: "/dev/null" }, 3, false],
  [
    "a forced keyring without a secret store: 3",
    { KUBE_CREDENTIAL_CACHE_BACKEND: "keyring", DBUS_SESSION_BUS_ADDRESS: "disabled:" },
    3,
    false,
  ],
];
for (const [what, env, code, cached] of STATUSES)
  test(`--status exit status: ${what}`, async (t) => {
    const cache = useInProcessCache(t);
    for (const json of [false, true]) {
      const status = await cache.call(json ? ["--json", "--status"] : ["--status"], { env });
      assert.equal(status.code, code, status.stderr);
      if (json) assert.equal((JSON.parse(status.stdout) as { cached: boolean }).cached, cached);
      else assert.match(status.stdout, cached ? /^caching: +yes$/m : /^caching: +no: /m);
    }
  });

test("--version names the version, the runtime and the commit on one line", async (t) => {
  const cache = useInProcessCache(t);
  const version = await cache.call(["--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^kcc-cache \d+\.\d+\.\d+ \(Node v\d+\.\d+\.\d+, commit unknown\)\n$/);
});

const UNKNOWN_SHELLS: [string, string[]][] = [
  ["kcc-cache", ["--completion", "tcsh"]],
  ["kcc-cache", ["--completion=csh"]],
];
for (const [command, argv] of UNKNOWN_SHELLS)
  test(`${command} ${argv.join(" ")}: a usage error naming the shells`, async (t) => {
    const cache = useInProcessCache(t);
    const result = await cache.call(argv);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^kcc-cache: --completion takes one of bash, zsh, fish, powershell \(got "t?csh"\) \(see kcc-cache --help\)\n$/,
    );
  });

test("both commands word an unknown option the same way", async (t) => {
  const cache = useInProcessCache(t);
  const cached = await cache.call(["--bogus"]);
  let stderr = "";
  const injected = await runInjector(["--bogus"], {
    env: {},
    cwd: cache.sandbox.dir,
    home: cache.sandbox.home,
    stdout: () => undefined,
    stderr: (text) => {
      stderr += text;
    },
  });
  assert.deepEqual(
    [cached.code, cached.stderr, injected, stderr],
    [
      2,
      'kcc-cache: unknown option "--bogus" (see kcc-cache --help)\n',
      2,
      'kcc-injector: unknown option "--bogus" (see kcc-injector --help)\n',
    ],
  );
});
