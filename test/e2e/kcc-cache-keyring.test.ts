import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { API_V1BETA1, writeFakePlugin } from "./support/fake-plugin.js";
import { binariesUnderTest } from "./support/binaries.js";
import { assertOk, execInfo, kccCache, startKccCache, useSandbox } from "./support/kcc-cache.js";
import { waitUntil } from "./support/wait.js";
import { createSandbox } from "./support/sandbox.js";
import { largeEnvironment } from "./support/large-environment.js";
import { filesContaining, requireSecretServiceTools, useSecretService } from "./support/secret-service.js";

const DEBUG = { KUBE_CREDENTIAL_CACHE_DEBUG: "1" };

test("keyring mode: a hit is served from the Secret Service and no credential byte reaches the disk", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "keyring-plugin");
  const env = {
    ...world.env,
    ...DEBUG,
    KUBE_CREDENTIAL_CACHE_BACKEND: "keyring",
    KUBERNETES_EXEC_INFO: execInfo(),
  };
  const miss = await kccCache(world.sandbox, ["keyring-plugin"], { env });
  assertOk(miss);
  assert.equal(miss.stdout, plugin.output(1));
  const hit = await kccCache(world.sandbox, ["keyring-plugin"], { env });
  assertOk(hit);
  assert.equal(hit.stdout, plugin.output(1), "the same bytes the plugin printed");
  assert.equal(plugin.runs(), 1, "the second call is a hit");
  assert.match(hit.stderr, /store: keyring/);
  assert.match(hit.stderr, /hit: /);

  assert.deepEqual(
    filesContaining(world.sandbox.dir, "keyring-plugin-secret-1"),
    [],
    "no plaintext copy anywhere",
  );
  assert.equal(existsSync(world.sandbox.cacheFile), false, "the plaintext cache file is never created");
  assert.doesNotMatch(
    miss.stderr + hit.stderr,
    /keyring-plugin-secret/,
    "debug output never shows the token",
  );

  const found = world.search();
  assert.match(found, /attribute\.service = kube-credential-cache/);
  const account = `api=${JSON.stringify(API_V1BETA1)} exec=["keyring-plugin"]`;
  assert.ok(found.includes(`attribute.username = ${account}`), `account is the cache key:\n${found}`);
});

test("keyring mode: one D-Bus connection per call, for a miss that writes and for a hit", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "one-connection");
  const env = { ...world.env, KUBERNETES_EXEC_INFO: execInfo() };
  const monitor = await world.monitor();
  // Each look at the monitor sends one marker call from a dbus-send of its own: one Hello more.
  const hellos = async (): Promise<number> =>
    (await monitor.calls()).filter((call) => call.endsWith("org.freedesktop.DBus.Hello")).length;
  const start = await hellos();
  assertOk(await kccCache(world.sandbox, ["one-connection"], { env }));
  const afterMiss = await hellos();
  const hit = await kccCache(world.sandbox, ["one-connection"], { env });
  assertOk(hit);
  const afterHit = await hellos();
  assert.equal(plugin.runs(), 1, "the second call is a hit");
  assert.equal(hit.stdout, plugin.output(1));
  assert.equal(afterMiss - start - 1, 1, "the miss: probe, read, re-check and write on one connection");
  assert.equal(afterHit - afterMiss - 1, 1, "the hit: probe and read on one connection");
});

test("auto mode picks the Secret Service when one runs", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "auto-plugin");
  const env = { ...world.env, ...DEBUG };
  assertOk(await kccCache(world.sandbox, ["auto-plugin"], { env }));
  const hit = await kccCache(world.sandbox, ["auto-plugin"], { env });
  assertOk(hit);
  assert.equal(plugin.runs(), 1);
  assert.match(hit.stderr, /store: keyring \(Secret Service \(auto/);
  assert.equal(existsSync(world.sandbox.cacheFile), false);
  assert.match(world.search(), /attribute\.username = exec=\["auto-plugin"\]/);
});

test("auto mode picks the file when there is no secret store at all", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const busOnly = await useSecretService(t, { keyring: false });
  const sandbox = createSandbox();
  t.after(() => {
    sandbox.cleanup();
  });
  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    [
      "no D-Bus session",
      { DBUS_SESSION_BUS_ADDRESS: undefined },
      /store: file \S+cache\.json \(no D-Bus session bus/,
    ],
    [
      "a bus address that refuses connections",
      { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(sandbox.dir, "no-such-socket")}` },
      /store: file \S+cache\.json \(the D-Bus session bus does not accept connections/,
    ],
    [
      "a bus without a Secret Service",
      { DBUS_SESSION_BUS_ADDRESS: busOnly.busAddress },
      /store: file \S+cache\.json \(no Secret Service on the session bus/,
    ],
  ];
  for (const [name, busEnv, expected] of cases) {
    const plugin = writeFakePlugin(sandbox, `file-${cases.findIndex((c) => c[0] === name)}`);
    const env = { ...DEBUG, KUBE_CREDENTIAL_CACHE_BACKEND: undefined, ...busEnv };
    const miss = await kccCache(sandbox, [plugin.path], { env });
    assertOk(miss);
    assert.match(miss.stderr, expected, name);
    const hit = await kccCache(sandbox, [plugin.path], { env });
    assert.equal(hit.stdout, plugin.output(1), name);
    assert.equal(plugin.runs(), 1, `${name}: served from the file`);
  }
  assert.match(readFileSync(sandbox.cacheFile, "utf8"), /file-2-secret-1/, "the file store holds them");
});

test("a locked keyring is neither waited for nor bypassed into the plaintext file", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  world.lock();
  const plugin = writeFakePlugin(world.sandbox, "locked-plugin");
  const env = { ...world.env, ...DEBUG };
  for (const run of [1, 2]) {
    const result = await kccCache(world.sandbox, ["locked-plugin"], { env, timeoutMs: 20_000 });
    assertOk(result);
    assert.equal(result.stdout, plugin.output(run), "the plugin's credential, served uncached");
    assert.match(result.stderr, /store: uncached .*locked/);
  }
  assert.equal(plugin.runs(), 2, "nothing was cached");
  assert.equal(existsSync(world.sandbox.cacheFile), false);
  assert.deepEqual(filesContaining(world.sandbox.dir, "locked-plugin-secret-"), []);
});

test("a Secret Service that does not answer (stopped daemon) does not hang kcc-cache", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "frozen-plugin");
  const env = { ...world.env, ...DEBUG };
  world.freeze();
  try {
    // Not timed: the debug line shows kcc-cache gave up on the bus by its own bound, and a call that hung
    // instead would be killed at timeoutMs and fail assertOk.
    const result = await kccCache(world.sandbox, ["frozen-plugin"], { env, timeoutMs: 30_000 });
    assertOk(result);
    assert.equal(result.stdout, plugin.output(1));
    assert.match(result.stderr, /store: uncached .*timeout/);
  } finally {
    world.thaw();
  }
  assert.equal(existsSync(world.sandbox.cacheFile), false);
  assert.deepEqual(filesContaining(world.sandbox.dir, "frozen-plugin-secret-"), []);
});

test("keyring forced without any D-Bus session: a warning, and the credential is served uncached", async (t) => {
  const sandbox = createSandbox();
  t.after(() => {
    sandbox.cleanup();
  });
  const plugin = writeFakePlugin(sandbox, "forced-plugin");
  const env = { KUBE_CREDENTIAL_CACHE_BACKEND: "keyring", DBUS_SESSION_BUS_ADDRESS: undefined };
  const result = await kccCache(sandbox, [plugin.path], { env });
  assertOk(result);
  assert.equal(result.stdout, plugin.output(1));
  assert.match(result.stderr, /warning: KUBE_CREDENTIAL_CACHE_BACKEND=keyring but no D-Bus session bus/);
  assert.equal(existsSync(sandbox.cacheFile), false);
});

test("an 8 KB client-certificate credential round-trips through the keyring", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  // A real certificate and key (kubectl, and so kcc-cache, check that they belong together), made
  // large by a 4096-bit key and a long list of names: random key material, the worst case for any size
  // limit.
  const dir = join(world.sandbox.dir, "tls");
  mkdirSync(dir);
  const names = Array.from({ length: 120 }, (_, i) => `DNS:node-${i}.cluster.example.internal`).join(",");
  const openssl = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:4096",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=kcc-test-client",
      "-addext",
      `subjectAltName=${names}`,
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { encoding: "utf8" },
  );
  assert.equal(openssl.status, 0, `openssl: ${openssl.stderr}`);
  const credential = {
    kind: "ExecCredential",
    apiVersion: API_V1BETA1,
    status: {
      clientCertificateData: readFileSync(join(dir, "cert.pem"), "utf8"),
      clientKeyData: readFileSync(join(dir, "key.pem"), "utf8"),
      expirationTimestamp: new Date(Date.now() + 3_600_000).toISOString(),
    },
  };
  const stdout = `${JSON.stringify(credential, null, 2)}\n`;
  assert.ok(stdout.length > 8_000, `credential is ${stdout.length} bytes`);
  const plugin = writeFakePlugin(world.sandbox, "cert-plugin", { stdout });
  const env = { ...world.env, KUBE_CREDENTIAL_CACHE_BACKEND: "keyring" };
  assertOk(await kccCache(world.sandbox, ["cert-plugin"], { env }));
  const hit = await kccCache(world.sandbox, ["cert-plugin"], { env });
  assertOk(hit);
  assert.equal(plugin.runs(), 1);
  assert.equal(hit.stdout, stdout, "byte for byte");
});

test("single flight holds for the keyring: parallel cold calls run the plugin once", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const gate = join(world.sandbox.dir, "gate");
  const plugin = writeFakePlugin(world.sandbox, "flight-plugin", { gate });
  const env = { ...world.env, ...DEBUG, KUBE_CREDENTIAL_CACHE_BACKEND: "keyring" };
  const calls = Array.from({ length: 6 }, () => startKccCache(world.sandbox, ["flight-plugin"], { env }));
  t.after(() => {
    for (const call of calls) if (call.child.exitCode === null) call.child.kill("SIGKILL");
  });
  await waitUntil(() => calls.every((call) => /\bmiss\b/.test(call.stderrSoFar())), "all calls have missed");
  await plugin.waitForRuns(1);
  writeFileSync(gate, "");
  const results = await Promise.all(calls.map((call) => call.result));
  for (const result of results) {
    assertOk(result);
    assert.equal(result.stdout, plugin.output(1));
  }
  assert.equal(plugin.runs(), 1, "the others waited on the key's lock and served what the first stored");
});

test("keyring mode: a temp copy of the index left by a writer killed mid-write is removed by the next write", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "index-leftover");
  const env = { ...world.env, KUBE_CREDENTIAL_CACHE_BACKEND: "keyring" };
  const directory = dirname(world.sandbox.cacheFile);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  // What writeFileAtomic leaves when kill -9 lands between creating its temp file and renaming it.
  const leftover = join(directory, ".keyring-index.json.99999999.abandoned.tmp");
  writeFileSync(leftover, "{", { mode: 0o600 });
  const miss = await kccCache(world.sandbox, [plugin.path], { env });
  assertOk(miss);
  assert.equal(miss.stdout, plugin.output(1));
  assert.ok(existsSync(join(directory, "keyring-index.json")), "the index was written");
  assert.ok(!existsSync(leftover), "and the leftover temp copy removed");
});

/** JavaScriptCore's own report of what it compiles: each function, each regular expression. */
const JIT_REPORT = {
  // Compiled on the calling thread, so that a compilation the exit would cut short is still counted.
  BUN_JSC_useConcurrentJIT: "false",
  BUN_JSC_reportBaselineCompileTimes: "true",
  BUN_JSC_reportDFGCompileTimes: "true",
  BUN_JSC_dumpCompiledRegExpPatterns: "true",
};

// A hit lives for one call: every function bun's JIT compiles costs it more than the compiled code
// saves (docs/startup.md, "why the hit path counts its calls"), and every JavaScriptCore builtin it
// calls is compiled from source first ("Builtins a hit compiles"). JavaScriptCore reports both when
// asked through its own variables; only the binary runs on it.
test("binary: a file-store hit and a keyring hit make bun's JIT compile nothing, and no regular expression or avoidable builtin", async (t) => {
  if (binariesUnderTest(t) === undefined) return;
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  const plugin = writeFakePlugin(world.sandbox, "jit-plugin");
  for (const [at, backend] of ["file", "keyring"].entries()) {
    const env = {
      ...world.env,
      KUBE_CREDENTIAL_CACHE_BACKEND: backend,
      KUBERNETES_EXEC_INFO: execInfo(),
    };
    assertOk(await kccCache(world.sandbox, ["jit-plugin"], { env }));
    const hit = await kccCache(world.sandbox, ["jit-plugin"], { env: { ...env, ...JIT_REPORT } });
    assertOk(hit);
    assert.equal(plugin.runs(), at + 1, `${backend}: the second call is a hit`);
    const baseline = hit.stderr.match(/using Baseline/g)?.length ?? 0;
    const dfg = hit.stderr.match(/using DFG/g)?.length ?? 0;
    // Before the hit path was shaped for this, 47 and 14; then 1, in bun's own node:fs set-up, which
    // the Linux binaries no longer load on a hit (src/io/libc-fs/node-fs.ts).
    assert.equal(baseline, 0, `${backend} hit: baseline compilations:\n${hit.stderr}`);
    assert.equal(dfg, 0, `${backend} hit: DFG compilations`);
    // Compiling a regular expression costs more than matching it once (docs/startup.md).
    assert.deepEqual(
      hit.stderr.match(/RegExp pattern for .*/g) ?? [],
      [],
      `${backend} hit: regular expressions`,
    );
    // Every code block the hit runs, each headed `name#hash:[…]`: a builtin compiled from its source
    // appears under its own name (the binary's own functions are minified).
    const dumped = await kccCache(world.sandbox, ["jit-plugin"], {
      env: { ...env, BUN_JSC_dumpGeneratedBytecodes: "true" },
    });
    assertOk(dumped);
    assert.equal(plugin.runs(), at + 1, `${backend}: the third call is a hit too`);
    const blocks = [...dumped.stderr.matchAll(/^([^\s#]*)#\w+:\[/gm)].map((match) => match[1]);
    assert.ok(blocks.length > 50, `${backend} hit: the dump lists the code blocks run (${blocks.length})`);
    const builtins = blocks.filter((name) => AVOIDABLE_BUILTINS.has(name ?? ""));
    assert.deepEqual(builtins, [], `${backend} hit: array callbacks and generators`);
  }
});

// The cache key reads every variable's name on every call: in a developer's shell (hundreds of
// variables) a loop that did much per name would pass JavaScriptCore's baseline threshold, and the hit
// would compile it (docs/startup.md, "A large environment"). Before the rule set most names aside
// without splitting them, 60 more variables than the sandbox's were enough; before it read a family
// name's last word without a split, asked which names are secret in one pass and sorted a long list
// natively, 80 names that the key takes made it compile all three ("Many names taken"); before secret
// values were digested in one call and a secret name's last word found without a loop over its
// letters, a hundred secret variables (a CI runner's) made it compile those.
test("binary: a file-store hit in a large environment makes bun's JIT compile nothing, and no regular expression", async (t) => {
  if (binariesUnderTest(t) === undefined) return;
  const sandbox = useSandbox(t);
  const plugin = writeFakePlugin(sandbox, "large-env-plugin");
  const secrets = (count: number): Record<string, string> =>
    Object.fromEntries(Array.from({ length: count }, (_, n) => [`APP${n}_TOKEN`, `secret ${n}`]));
  const environments = {
    // 80 names the key takes, in reverse order (the insertion sort's worst), and a few secrets.
    "80 names taken": {
      ...Object.fromEntries(Object.entries(largeEnvironment(80)).reverse()),
      ...{ AWS_SESSION_TOKEN: "session", GITHUB_TOKEN: "token", VAULT_TOKEN: "vault" },
    },
    "100 secrets": secrets(100),
  };
  for (const [name, variables] of Object.entries(environments)) {
    const env = { ...variables, KUBERNETES_EXEC_INFO: execInfo() };
    const runs = plugin.runs();
    assertOk(await kccCache(sandbox, ["large-env-plugin"], { env }));
    const hit = await kccCache(sandbox, ["large-env-plugin"], {
      env: { ...env, ...JIT_REPORT },
    });
    assertOk(hit);
    assert.equal(hit.stdout, plugin.output(runs + 1), name);
    assert.equal(plugin.runs(), runs + 1, `${name}: the second call is a hit`);
    assert.doesNotMatch(hit.stderr, /using (Baseline|DFG)/, `${name}: compilations:\n${hit.stderr}`);
    assert.doesNotMatch(hit.stderr, /RegExp pattern for/, `${name}: no regular expression compiled`);
  }
});

/** JavaScriptCore's array callbacks and generator machinery: plain loops and iterator objects do instead. */
const AVOIDABLE_BUILTINS = new Set([
  "every",
  "filter",
  "find",
  "findIndex",
  "flatMap",
  "forEach",
  "map",
  "reduce",
  "some",
  "generatorResume",
]);
