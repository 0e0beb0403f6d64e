import { missingCommands, skipOrFailUnderCi } from "./skip.js";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { TestContext } from "node:test";
import { createSandbox, type Sandbox } from "./sandbox.js";
import { shq } from "./fake-plugin.js";
import { waitUntil } from "./wait.js";

/**
 * A private D-Bus session bus and, optionally, an unlocked gnome-keyring on it, inside a sandbox:
 * the developer's own keyring is never touched. The bus has no service directories, so nothing is
 * D-Bus-activated behind the test's back (a bus "with no secret service" really has none). Every
 * process started here is stopped when the test ends, before the sandbox is removed.
 */
export interface SecretServiceWorld {
  readonly sandbox: Sandbox;
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  readonly busAddress: string;
  /** Overrides for kccCache(): the private bus, and KUBE_CREDENTIAL_CACHE_BACKEND unset (auto). */
  readonly env: Record<string, string | undefined>;
  /** Locks the default collection (as a screen lock would); unlocking would need a prompt. */
  lock(): void;
  /** SIGSTOP / SIGCONT the keyring daemon: a Secret Service that exists but does not answer. */
  freeze(): void;
  thaw(): void;
  /** `secret-tool search --all service kube-credential-cache`: labels and attributes, never the secrets. */
  search(): string;
  /** Whether the default collection is locked now. */
  isLocked(): boolean;
  /** A /bin/sh command that does what lock() does, for scripts (a plugin that runs while the screen locks). */
  readonly lockCommand: string;
  /** Stops the keyring daemon for good (it crashed, or the desktop session ended); the bus stays. */
  stopKeyring(): Promise<void>;
  /** How the keyring daemon ended, if it did without stopKeyring (`exit code 1`, `signal SIGSEGV`). */
  daemonEnded(): string | undefined;
  /** Starts dbus-monitor on the private bus; everything from then on is recorded. */
  monitor(): Promise<BusMonitor>;
}

interface BusMonitor {
  /**
   * The method calls seen so far, as `destination interface.member` (arguments left out: they can
   * carry secrets); waits until a marker call sent now has come through, so nothing is missed.
   */
  calls(): Promise<string[]>;
}

const TOOLS = ["dbus-daemon", "dbus-send", "dbus-monitor", "gnome-keyring-daemon", "secret-tool"];
const KEYRING_PASSWORD = "kcc-test-keyring-password";

/** Every regular file under `root` that contains `needle` (the fake plugin's own records excluded). */
export function filesContaining(root: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (name.startsWith("plugins/") || name.startsWith("bin/")) continue;
    const path = join(root, name);
    let text: string;
    try {
      text = readFileSync(path, "latin1");
    } catch {
      continue; // directories, sockets
    }
    if (text.includes(needle)) found.push(relative(root, path));
  }
  return found;
}

/**
 * Whether this machine can run the keyring tests. Where it cannot, the test is skipped with the
 * reason — except under CI (CI=true), where a missing secret store is a failure: .ci/run installs it.
 */
export function requireSecretServiceTools(t: TestContext): boolean {
  const missing = missingCommands(TOOLS);
  if (missing.length === 0) return true;
  skipOrFailUnderCi(
    t,
    `no secret store to test against (missing ${missing.join(", ")}; apt-get install gnome-keyring libsecret-tools dbus dbus-x11)`,
  );
  return false;
}

/** A sandbox with a private session bus; `keyring: true` also starts an unlocked gnome-keyring. */
export async function useSecretService(
  t: TestContext,
  options: WorldOptions = { keyring: true },
): Promise<SecretServiceWorld> {
  const sandbox = createSandbox();
  let world: RunningSecretService;
  try {
    world = await startSecretService(sandbox, options);
  } catch (error) {
    sandbox.cleanup();
    throw error;
  }
  t.after(async () => {
    await world.stop();
    sandbox.cleanup();
  });
  return world;
}

interface WorldOptions {
  readonly keyring: boolean;
  /** The bus on a Linux abstract socket (`unix:abstract=`) instead of a socket file. */
  readonly abstractSocket?: boolean;
}

export interface RunningSecretService extends SecretServiceWorld {
  /** Stops the keyring daemon and the bus (the sandbox is the caller's to remove). */
  stop(): Promise<void>;
}

/** The same world for callers outside a test (npm run bench); they call stop() themselves. */
export async function startSecretService(
  sandbox: Sandbox,
  options: WorldOptions = { keyring: true },
): Promise<RunningSecretService> {
  const children: ChildProcess[] = [];
  const stopAll = async (): Promise<void> => {
    for (const child of children.reverse()) await stop(child);
  };
  try {
    return { ...(await startIn(sandbox, options, children)), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startIn(
  sandbox: Sandbox,
  options: WorldOptions,
  children: ChildProcess[],
): Promise<SecretServiceWorld> {
  const runtimeDir = sandbox.env["XDG_RUNTIME_DIR"] ?? join(sandbox.dir, "run");
  const busDir = join(sandbox.dir, "bus");
  mkdirSync(busDir, { mode: 0o700 });
  const config = join(busDir, "session.conf");
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>${options.abstractSocket === true ? `unix:abstract=${abstractName(sandbox.dir)}` : `unix:path=${join(busDir, "socket")}`}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const bus = spawn("dbus-daemon", [`--config-file=${config}`, "--nofork", "--print-address=1"], {
    env: { ...sandbox.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(bus);
  const busAddress = await firstLine(bus);
  const env: Record<string, string> = { ...sandbox.env, DBUS_SESSION_BUS_ADDRESS: busAddress };
  delete env["KUBE_CREDENTIAL_CACHE_BACKEND"];
  const overrides = { DBUS_SESSION_BUS_ADDRESS: busAddress, KUBE_CREDENTIAL_CACHE_BACKEND: undefined };

  let daemon: ChildProcess | undefined;
  let daemonEnd: string | undefined;
  if (options.keyring) {
    daemon = spawn("gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], {
      env: { ...env, XDG_RUNTIME_DIR: runtimeDir },
      stdio: ["pipe", "ignore", "pipe"],
    });
    children.push(daemon);
    // Its last words, should it die: what a crash report needs.
    let said = "";
    daemon.stderr?.on("data", (chunk: Buffer) => {
      said = (said + chunk.toString("utf8")).slice(-400);
    });
    daemon.once("exit", (code, signal) => {
      const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      const last = said.trim().split("\n").slice(-2).join(" / ");
      daemonEnd = last === "" ? how : `${how}: ${last}`;
    });
    daemon.stdin?.end(KEYRING_PASSWORD);
    await waitUntil(
      () => hasOwner(busAddress, "org.freedesktop.secrets"),
      "gnome-keyring owns org.freedesktop.secrets",
    );
    // The login collection is created on first use with the unlock password; make it exist now.
    await waitUntil(() => defaultCollection(busAddress) !== "/", "gnome-keyring has a default collection");
  }

  let markers = 0;
  const signal = (name: NodeJS.Signals): void => {
    if (daemon?.pid === undefined) throw new Error("no keyring daemon in this world");
    process.kill(daemon.pid, name);
  };
  return {
    sandbox,
    busAddress,
    env: overrides,
    lock() {
      const collection = defaultCollection(busAddress);
      dbusSend(busAddress, [
        "--dest=org.freedesktop.secrets",
        "/org/freedesktop/secrets",
        "org.freedesktop.Secret.Service.Lock",
        `array:objpath:${collection}`,
      ]);
    },
    isLocked() {
      const reply = dbusSend(busAddress, [
        "--dest=org.freedesktop.secrets",
        defaultCollection(busAddress),
        "org.freedesktop.DBus.Properties.Get",
        "string:org.freedesktop.Secret.Collection",
        "string:Locked",
      ]);
      if (!/boolean (true|false)/.test(reply))
        throw new Error(`cannot read the collection's Locked property: ${reply}`);
      return reply.includes("boolean true");
    },
    lockCommand: [
      `DBUS_SESSION_BUS_ADDRESS=${shq(busAddress)}; export DBUS_SESSION_BUS_ADDRESS`,
      `c=$(dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default | sed -n 's/.*object path "\\(.*\\)".*/\\1/p')`,
      `dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock "array:objpath:$c" >/dev/null`,
    ].join("\n"),
    async stopKeyring() {
      if (daemon === undefined) throw new Error("no keyring daemon in this world");
      daemon.removeAllListeners("exit");
      await stop(daemon);
      await waitUntil(
        () => !hasOwner(busAddress, "org.freedesktop.secrets"),
        "org.freedesktop.secrets has no owner",
      );
    },
    daemonEnded: () => daemonEnd,
    async monitor() {
      const child = spawn("dbus-monitor", ["--address", busAddress], { stdio: ["ignore", "pipe", "ignore"] });
      children.push(child);
      let text = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      // Becoming a monitor makes the bus drop the monitor's own name: from then on it sees everything.
      await waitUntil(() => /member=NameLost/.test(text), "dbus-monitor has become a monitor");
      return {
        async calls() {
          markers += 1;
          const marker = `kcc.test.marker${markers}`;
          dbusSend(busAddress, [
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            `string:${marker}`,
          ]);
          await waitUntil(() => text.includes(marker), "dbus-monitor has seen everything sent so far");
          return text
            .split("\n")
            .filter((line) => line.startsWith("method call "))
            .map((line) => {
              const field = (name: string): string =>
                new RegExp(`\\b${name}=([^\\s;]+)`).exec(line)?.[1] ?? "?";
              return `${field("destination")} ${field("interface")}.${field("member")}`;
            });
        },
      };
    },
    freeze() {
      signal("SIGSTOP");
    },
    thaw() {
      signal("SIGCONT");
    },
    search() {
      const result = spawnSync("secret-tool", ["search", "--all", "service", "kube-credential-cache"], {
        env,
        encoding: "utf8",
        timeout: 10_000,
      });
      // secret-tool prints attributes on stderr and the secret on stdout; keep the secret out of test output.
      return `${result.stdout}\n${result.stderr}`
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith("secret = "))
        .join("\n");
    },
  };
}

/** A name no other test's bus has: the abstract namespace is the machine's (its network namespace's). */
const abstractName = (sandboxDir: string): string => `kcc-test-bus${sandboxDir.replaceAll("/", "-")}`;

function dbusSend(address: string, args: string[]): string {
  const result = spawnSync("dbus-send", ["--session", "--print-reply", ...args], {
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", DBUS_SESSION_BUS_ADDRESS: address },
    encoding: "utf8",
    timeout: 10_000,
  });
  return result.status === 0 ? result.stdout : "";
}

function hasOwner(address: string, name: string): boolean {
  return dbusSend(address, [
    "--dest=org.freedesktop.DBus",
    "/org/freedesktop/DBus",
    "org.freedesktop.DBus.NameHasOwner",
    `string:${name}`,
  ]).includes("boolean true");
}

function defaultCollection(address: string): string {
  const reply = dbusSend(address, [
    "--dest=org.freedesktop.secrets",
    "/org/freedesktop/secrets",
    "org.freedesktop.Secret.Service.ReadAlias",
    "string:default",
  ]);
  return /object path "([^"]*)"/.exec(reply)?.[1] ?? "/";
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      const end = text.indexOf("\n");
      if (end >= 0) resolve(text.slice(0, end).trim());
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      reject(new Error(`dbus-daemon exited (${code ?? "signal"}) before printing its address`));
    });
  });
}

/** SIGCONT first (a frozen daemon cannot act on SIGTERM), then SIGTERM, SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  child.kill("SIGCONT");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
