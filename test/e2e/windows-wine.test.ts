import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { after, test, type TestContext } from "node:test";
import { isoIn } from "./support/fake-plugin.js";
import { killOnExit } from "./support/fan-out.js";
import { assertOk } from "./support/kcc-cache.js";
import type { RunResult } from "./support/run.js";
import { batchFile, createWineScene, windowsPath, wineRequirements, type WineScene } from "./support/wine.js";
import { waitUntil } from "./support/wait.js";

// The windows-x64 binary under wine (docs/windows.md, "How this is tested"): the plugin lookup, cmd.exe's
// line, the cache paths, the locks and kcc-injector, on a Windows runtime instead of as plans. One
// prefix for the whole file; every test gets it from scene(t).

let made: { scene: WineScene; dispose: () => void } | { failed: unknown } | undefined;
after(() => {
  if (made !== undefined && "dispose" in made) made.dispose();
});

function scene(t: TestContext): WineScene | undefined {
  const requirements = wineRequirements(t);
  if (requirements === undefined) return undefined;
  if (made === undefined) {
    try {
      made = createWineScene(requirements.binary);
    } catch (error) {
      made = { failed: error };
    }
  }
  // A prefix that could not be made fails every test with its cause, without trying again.
  if ("failed" in made) throw made.failed;
  return made.scene;
}

const EXPIRY = isoIn(3_600_000);
/** What a fake plugin prints: the same bytes on every run, so a hit and a miss compare equal. */
const credential = (token: string): string =>
  `${JSON.stringify({
    kind: "ExecCredential",
    apiVersion: "client.authentication.k8s.io/v1beta1",
    spec: {},
    status: { expirationTimestamp: EXPIRY, token },
  })}\n`;

/**
 * A .cmd plugin as az and gcloud ship them: it hands its arguments on with %*. It sets KCC_PROBE before
 * that, so a test can tell cmd.exe expanding a variable on kcc-cache's line from the batch file doing it.
 */
function batchPlugin(wine: WineScene, name: string, token: string, extra: Record<string, string> = {}) {
  const plugin = wine.writePlugin(name, {
    [`${name}.cmd`]: batchFile([
      "@echo off",
      'set "KCC_PROBE=set by the batch file"',
      '"%~dp0fake-plugin.exe" %*',
      "exit /b %ERRORLEVEL%",
    ]),
    stdout: credential(token),
    ...extra,
  });
  return { ...plugin, script: `${plugin.windowsDir}\\${name}.cmd` };
}

test("both commands start from the one windows-x64 binary: --version", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const version = (
    JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }
  ).version;
  for (const command of ["kcc-cache", "kcc-injector"] as const) {
    const result = await wine.call(command, ["--version"]);
    assertOk(result, command);
    // One line that starts with "<command> <version>", which installers read.
    assert.equal(result.stdout.split(" ").slice(0, 2).join(" ").trim(), `${command} ${version}`);
    assert.equal(result.stdout.split("\n").length, 2, result.stdout);
  }
});

test("a .cmd plugin by its full path: a miss runs it, a hit does not; the cache file is under %LOCALAPPDATA%", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "full-path", "full-path-token");
  const miss = await wine.call("kcc-cache", [plugin.script, "get-token"]);
  assertOk(miss);
  assert.equal(miss.stdout, credential("full-path-token"));
  const hit = await wine.call("kcc-cache", [plugin.script, "get-token"]);
  assertOk(hit);
  assert.equal(hit.stdout, miss.stdout, "the hit serves the stored credential");
  assert.equal(plugin.runs(), 1, "the hit runs nothing");
  assert.deepEqual(plugin.args(1), ["get-token"]);
  assert.ok(existsSync(join(wine.localAppData, "kube-credential-cache", "cache.json")));
});

test("bare names found through PATH and PATHEXT: az → az.cmd, tool → tool.exe; a miss, then a hit", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const az = batchPlugin(wine, "az", "az-token");
  const tool = wine.writePlugin("tool", { stdout: credential("tool-token") });
  copyFileSync(join(tool.dir, "fake-plugin.exe"), join(tool.dir, "tool.exe"));
  const path = [az.windowsDir, tool.windowsDir];
  for (const [name, plugin, token] of [
    ["az", az, "az-token"],
    ["tool", tool, "tool-token"],
  ] as const) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result: RunResult = await wine.call("kcc-cache", [name, "account", "get-access-token"], { path });
      assertOk(result, `${name} call ${attempt + 1}`);
      assert.equal(result.stdout, credential(token));
    }
    assert.equal(plugin.runs(), 1, `${name}: one run, then a hit`);
    assert.deepEqual(plugin.args(1), ["account", "get-access-token"]);
  }
});

test("a plugin found only in the current directory is not run (exit 127), as kubectl refuses it", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "here-only", "here-only-token");
  const result = await wine.call("kcc-cache", ["here-only"], { cwd: plugin.dir });
  assert.equal(result.code, 127, result.stderr);
  assert.match(result.stderr, /through the current directory/);
  assert.equal(result.stdout, "");
  assert.equal(plugin.runs(), 0);
});

/**
 * Arguments that would run a command if cmd.exe read them as syntax: each one writes a file into
 * `pwned` if it ever runs. Plus the characters a batch file splits %1 on, quotes and backslashes in
 * every position, and text beyond ASCII.
 */
function attacks(pwned: string): string[] {
  const target = (n: number): string => `${windowsPath(pwned)}\\${n}`;
  return [
    "a&b",
    `x & echo ran>${target(1)}`,
    `"&echo ran>${target(2)}&"`,
    `\\"&echo ran>${target(3)}`,
    `x"&echo ran>${target(4)}&"y`,
    `a|echo ran>${target(5)}`,
    `^&echo ran>${target(6)}`,
    `^"&echo ran>${target(7)}`,
    `) & echo ran>${target(8)} & (`,
    "<nul >nul",
    "trailing\\",
    "trailing\\\\",
    'C:\\Program Files\\dir\\"',
    '"',
    '""',
    "",
    "a b",
    'a"b c"d',
    "!OS!",
    ",;=",
    "^",
    "é €",
  ];
}

/** Where a command that an argument manages to run writes (attacks() aims there): it must stay empty. */
function pwnedDirectory(wine: WineScene, name: string): string {
  const dir = join(wine.dir, `pwned-${name}`);
  mkdirSync(dir);
  return dir;
}

test("arguments that attack cmd.exe reach a .cmd plugin unchanged and run nothing", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "attacked", "attacked-token");
  const pwned = pwnedDirectory(wine, "batch");
  const args = attacks(pwned);
  const result = await wine.call("kcc-cache", [plugin.script, ...args]);
  assertOk(result);
  assert.equal(result.stdout, credential("attacked-token"));
  assert.deepEqual(plugin.args(1), args);
  assert.deepEqual(readdirSync(pwned), [], "no argument ran a command");
});

test("%NAME% on cmd.exe's line is not expanded: the batch file gets the text, whatever it does with it", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "percent", "percent-token");
  const args = ["%KCC_PROBE%", "x%KCC_PROBE%y", "%%KCC_PROBE%%", "100%"];
  const result = await wine.call("kcc-cache", [plugin.script, ...args], {
    env: { KCC_PROBE: "set by the caller" },
  });
  assertOk(result);
  // Real cmd.exe expands a line once, so the plugin reads the arguments as given. wine's cmd.exe
  // expands the text that %* put into the batch file's line a second time, by batch-file rules and
  // with the batch file's own values (docs/windows.md). Either way the caller's value, which cmd.exe
  // would have put in had kcc-cache's line let it expand, never arrives.
  const received = plugin.args(1);
  const expandedAgain = args.map((arg) =>
    arg.replace(/%%|%KCC_PROBE%|%/g, (found) =>
      found === "%%" ? "%" : found === "%" ? "" : "set by the batch file",
    ),
  );
  assert.ok(
    isDeepStrictEqual(received, args) || isDeepStrictEqual(received, expandedAgain),
    `received ${JSON.stringify(received)}`,
  );
  assert.ok(!received.some((arg) => arg.includes("set by the caller")), JSON.stringify(received));
});

test("an argument with a line break is refused before cmd.exe could end the command there: exit 126", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "line-break", "line-break-token");
  const pwned = pwnedDirectory(wine, "line");
  const result = await wine.call("kcc-cache", [
    plugin.script,
    "ok",
    `x\r\necho ran>${windowsPath(pwned)}\\1`,
  ]);
  assert.equal(result.code, 126);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /argument 2 holds a line break/);
  assert.doesNotMatch(result.stderr, /echo ran/, "the message names the position, not the text");
  assert.equal(plugin.runs(), 0);
  assert.deepEqual(readdirSync(pwned), []);
});

test("a program plugin gets the same arguments unchanged, %PATH% and a line break included", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = wine.writePlugin("program", { stdout: credential("program-token") });
  const pwned = pwnedDirectory(wine, "program");
  const args = [...attacks(pwned), "%PATH%", "100%", "line\nbreak"];
  const result = await wine.call("kcc-cache", [`${plugin.windowsDir}\\fake-plugin.exe`, ...args]);
  assertOk(result);
  assert.deepEqual(plugin.args(1), args);
  assert.deepEqual(readdirSync(pwned), []);
});

test("a failing .cmd plugin's exit code, stdout and stderr pass through, and nothing is cached", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = wine.writePlugin("failing", {
    "failing.cmd": batchFile([
      "@echo off",
      'echo {"partial":true}',
      "echo login failed: token expired>&2",
      "exit /b 7",
    ]),
  });
  const script = `${plugin.windowsDir}\\failing.cmd`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const result: RunResult = await wine.call("kcc-cache", [script]);
    assert.equal(result.code, 7);
    assert.equal(result.stdout, '{"partial":true}\r\n');
    assert.match(result.stderr, /^login failed: token expired\r?\n/);
  }
});

test("cache files: a C:\\ path, a Z:\\ path (the Linux file system) and NUL (no cache)", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "paths", "paths-token");
  const onZ = join(wine.dir, "z-cache", "cache.json");
  for (const [setting, file] of [
    ["C:\\kcc cache\\cache.json", join(wine.driveC, "kcc cache", "cache.json")],
    [windowsPath(onZ), onZ],
  ] as const) {
    const before = plugin.runs();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      assertOk(
        await wine.call("kcc-cache", [plugin.script, "paths"], {
          env: { KUBE_CREDENTIAL_CACHE_FILE: setting },
        }),
      );
    }
    assert.equal(plugin.runs(), before + 1, `${setting}: a miss, then a hit`);
    assert.ok(existsSync(file), `${setting} is ${file}`);
  }
  const before = plugin.runs();
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const result: RunResult = await wine.call("kcc-cache", [plugin.script, "paths"], {
      env: { KUBE_CREDENTIAL_CACHE_FILE: "NUL" },
    });
    assertOk(result);
    assert.equal(result.stderr, "");
  }
  assert.equal(plugin.runs(), before + 2, "NUL: every call runs the plugin");
});

test("parallel callers of a slow plugin: one run, every caller served", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "slow", "slow-token", { gated: "" });
  const cache = join(wine.dir, "parallel", "cache.json");
  const env = { KUBE_CREDENTIAL_CACHE_FILE: windowsPath(cache), KUBE_CREDENTIAL_CACHE_DEBUG: "1" };
  const calls = Array.from({ length: 4 }, () => wine.startCall("kcc-cache", [plugin.script], { env }));
  killOnExit(t, calls);
  // The one run is held open until every caller has missed: all of them then wait on its lock.
  await waitUntil(
    () => calls.every((call) => /\bmiss\b/.test(call.stderrSoFar())),
    "every caller has missed",
    120_000,
  );
  await plugin.waitForRuns(1);
  writeFileSync(join(plugin.dir, "gate"), "");
  const results = await Promise.all(calls.map((call) => call.result));
  for (const result of results) {
    assertOk(result);
    assert.equal(result.stdout, credential("slow-token"));
  }
  assert.equal(plugin.runs(), 1, "exactly one plugin run");
});

test("--status, --list and --clear on the Windows cache file", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const plugin = batchPlugin(wine, "managed", "managed-token");
  const cache = join(wine.dir, "managed", "cache.json");
  const env = { KUBE_CREDENTIAL_CACHE_FILE: windowsPath(cache) };
  assertOk(await wine.call("kcc-cache", [plugin.script, "manage"], { env }));

  const status = await wine.call("kcc-cache", ["--status"], { env });
  assertOk(status);
  // wine has no Credential Manager the embedded addon can load: auto mode keeps the file. The reason
  // is Windows' own refusal to load it, so the binary did reach for the addon it embeds.
  assert.match(
    status.stdout,
    /^store: +file — the secret store's native binding does not load \(LoadLibrary failed/m,
  );
  assert.ok(status.stdout.includes(windowsPath(cache)), status.stdout);
  const list = await wine.call("kcc-cache", ["--list", "--json"], { env });
  assertOk(list);
  const entries = JSON.parse(list.stdout) as { key: string }[];
  assert.equal(entries.length, 1);
  assert.ok(entries[0]?.key.includes("managed.cmd"), list.stdout);
  assert.ok(!list.stdout.includes("managed-token"), "--list never shows a token");

  const clear = await wine.call("kcc-cache", ["--clear"], { env });
  assertOk(clear);
  const empty = await wine.call("kcc-cache", ["--list", "--json"], { env });
  assert.deepEqual(JSON.parse(empty.stdout), []);
});

test("kcc-injector -i and -r on a CRLF kubeconfig with C:\\ paths: .\\ commands made absolute, restored byte for byte", async (t) => {
  const wine = scene(t);
  if (wine === undefined) return;
  const dir = join(wine.driveC, "Users", "me", ".kube");
  mkdirSync(dir, { recursive: true });
  const original = [
    "apiVersion: v1",
    "kind: Config",
    "# written on Windows",
    "clusters:",
    "- name: aks",
    "  cluster:",
    "    server: https://127.0.0.1:6443",
    "    certificate-authority: C:\\Users\\me\\.kube\\ca.crt",
    "contexts:",
    "- name: aks",
    "  context: {cluster: aks, user: azure}",
    "current-context: aks",
    "users:",
    "- name: azure",
    "  user:",
    "    exec:",
    "      apiVersion: client.authentication.k8s.io/v1beta1",
    "      command: C:\\Program Files\\Azure\\kubelogin.exe",
    "      args: [get-token, --cache-dir, 'C:\\Users\\me\\.kube\\cache\\']",
    "- name: local",
    "  user:",
    "    exec:",
    "      apiVersion: client.authentication.k8s.io/v1beta1",
    "      command: .\\bin\\token.cmd",
    "",
  ].join("\r\n");
  const file = join(dir, "config");
  writeFileSync(file, original);
  const config = "C:\\Users\\me\\.kube\\config";

  const injected = await wine.call("kcc-injector", ["-i", config]);
  assertOk(injected, "kcc-injector -i");
  const text = readFileSync(file, "utf8");
  assert.equal(text.split("\r\n").length, text.split("\n").length, "every line still ends in CRLF");
  assert.match(text, /^ {6}command: kcc-cache\r$/m);
  assert.ok(text.includes("kubelogin.exe"), text);
  // kubectl on Windows resolves a command holding a "\" against the kubeconfig's directory (docs/protocol.md).
  assert.match(text, /C:\\Users\\me\\\.kube\\bin\\token\.cmd/, text);

  const restored = await wine.call("kcc-injector", ["-i", "-r", config]);
  assertOk(restored, "kcc-injector -r");
  assert.equal(readFileSync(file, "utf8"), original, "restored byte for byte");
  assert.equal(readFileSync(`${file}.kcc-backup`, "utf8"), text, "the backup holds the injected file");
});
