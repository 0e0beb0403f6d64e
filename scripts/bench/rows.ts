// What the bench times, as data: one row per command, each compared with the row that is its floor.
import { join } from "node:path";
import { shq } from "../../test/e2e/support/fake-plugin.js";
import { largeEnvironment } from "../../test/e2e/support/large-environment.js";
import { AWS_PLUGIN, FAST_PLUGIN_NAME, SLOW_PLUGIN_NAME, type World } from "./world.js";

export type Section = "kubectl" | "credential" | "keyring" | "empty" | "choices";

export const SECTION_TITLES: Record<Section, string> = {
  kubectl: "`kubectl get --raw /version` against a local API server",
  credential: "The credential step alone",
  keyring: "The secret store (gnome-keyring in a private D-Bus session), each tool its own entries",
  empty: "Empty programs (each runtime's floor)",
  choices: "Why a module is hand-written: hashing one cache key on Node, NODE_EXTRA_CA_CERTS unset",
};

export interface Row {
  readonly id: string;
  readonly name: string;
  readonly section: Section;
  /** For `hyperfine -N`: `sh -c '…; :'`, so each run has a parent of its own (see below). */
  readonly command: string;
  /** The row this one is compared with. */
  readonly baseline?: string;
  /** Goes through a cache: filled before timing, and checked to be a hit. */
  readonly cached?: true;
  /** argv (run with the world's env) whose peak memory is reported. */
  readonly memory?: readonly string[];
}

export interface Programs {
  readonly node: string;
  /** dist/kcc-cache.cjs */
  readonly kccNode: string;
  readonly kccBinary: string | undefined;
  readonly reference: string | undefined;
  readonly kubectl: string | undefined;
  readonly dispatcher: string | undefined;
  readonly emptyBun: string | undefined;
  /** NODE_EXTRA_CA_CERTS is set in the bench's environment. */
  readonly extraCa: boolean;
  /** A cache file whose secret store holds 1,000 entries, named in its keys index (world.ts). */
  readonly crowdedKeyring?: string;
  /** A cache file already holding 10,000 unrelated entries (world.ts). */
  readonly crowdedCache?: string;
  /** Programs that hash one key with node:crypto and with src/core/sha256.ts (world.ts). */
  readonly hashProbes?: { readonly nodeCrypto: string; readonly portable: string };
}

/**
 * kcc-cache takes one parent process asking twice for a still-valid credential as client-go's retry
 * after a 401, and then runs the plugin: every timed command therefore gets a fresh shell as its
 * parent (`; :` keeps sh from exec'ing the command in its own place). Every row pays the same shell,
 * and the "sh" row shows what that is.
 */
export const inShell = (line: string): string => `sh -c ${shq(`${line}; :`)}`;
export const words = (argv: readonly string[]): string => argv.map(shq).join(" ");

export function buildRows(world: World, programs: Programs): Row[] {
  const rows: Row[] = [];
  const { node, kccNode, kccBinary, reference, kubectl, dispatcher, emptyBun, extraCa } = programs;
  const goCache = join(world.sandbox.dir, "go-original-cache.json");
  const goEnv = `KUBE_CREDENTIAL_CACHE_FILE=${shq(goCache)}`;
  const keyring = world.keyring !== undefined;
  const add = (row: Row): void => {
    rows.push(row);
  };

  if (kubectl !== undefined) {
    const section = "kubectl";
    const get = (config: string, via = kubectl): string =>
      inShell(`${words([via, "--kubeconfig", config, "get", "--raw", "/version"])} >/dev/null`);
    const through = (
      name: string,
      kcc: string,
      plugin: readonly string[],
      env: Record<string, string> = {},
    ) => world.kubeconfigFor(name, kcc, [...plugin], env);
    add({ id: "k-static", name: "kubectl, static token", section, command: get(world.staticKubeconfig) });
    const slow = [SLOW_PLUGIN_NAME];
    add({
      id: "k-slow",
      name: "kubectl + 220 ms plugin",
      section,
      baseline: "k-static",
      command: get(world.kubeconfigFor("slow", SLOW_PLUGIN_NAME, [])),
    });
    add({
      id: "k-slow-node",
      cached: true,
      name: "kubectl + kcc-cache (Node) + 220 ms plugin",
      section,
      baseline: "k-static",
      command: get(through("slow-node", kccNode, slow)),
    });
    if (kccBinary !== undefined) {
      add({
        id: "k-slow-bin",
        cached: true,
        name: "kubectl + kcc-cache (binary) + 220 ms plugin",
        section,
        baseline: "k-static",
        command: get(through("slow-bin", kccBinary, slow)),
      });
    }
    add({
      id: "k-aws",
      name: "kubectl + aws eks get-token",
      section,
      baseline: "k-static",
      command: get(world.kubeconfigFor("aws", "aws", AWS_PLUGIN.slice(1))),
    });
    add({
      id: "k-aws-node",
      cached: true,
      name: "kubectl + kcc-cache (Node) + aws",
      section,
      baseline: "k-static",
      command: get(through("aws-node", kccNode, AWS_PLUGIN)),
    });
    if (kccBinary !== undefined) {
      add({
        id: "k-aws-bin",
        cached: true,
        name: "kubectl + kcc-cache (binary) + aws",
        section,
        baseline: "k-static",
        command: get(through("aws-bin", kccBinary, AWS_PLUGIN)),
      });
    }
    if (reference !== undefined) {
      add({
        id: "k-aws-go",
        cached: true,
        name: "kubectl + Go original + aws",
        section,
        baseline: "k-static",
        command: get(through("aws-go", reference, AWS_PLUGIN, { KUBE_CREDENTIAL_CACHE_FILE: goCache })),
      });
    }
    if (dispatcher !== undefined) {
      const best = kccBinary ?? kccNode;
      const label = kccBinary === undefined ? "Node" : "binary";
      add({
        id: "d-aws",
        cached: true,
        name: `gcloud's kubectl dispatcher + kcc-cache (${label}) + aws`,
        section,
        baseline: "k-static",
        command: get(through("aws-dispatcher", best, AWS_PLUGIN), dispatcher),
      });
    }
  }

  const credential = "credential";
  const plugin = words(AWS_PLUGIN);
  add({ id: "c-aws", name: "aws eks get-token (the plugin)", section: credential, command: inShell(plugin) });
  const nodeHit = [node, kccNode, ...AWS_PLUGIN];
  add({
    id: "c-node-file",
    cached: true,
    name: "hit, Node, file store",
    section: credential,
    baseline: "e-node",
    command: inShell(words(nodeHit)),
    memory: nodeHit,
  });
  if (extraCa) {
    add({
      id: "c-node-file-noca",
      cached: true,
      name: "hit, Node, file store, NODE_EXTRA_CA_CERTS unset",
      section: credential,
      baseline: "e-node-noca",
      command: inShell(`unset NODE_EXTRA_CA_CERTS; ${words(nodeHit)}`),
    });
  }
  if (programs.crowdedCache !== undefined) {
    add({
      id: "c-node-crowded",
      cached: true,
      name: "hit, Node, file store holding 10,000 other entries",
      section: credential,
      baseline: "c-node-file",
      command: inShell(`KUBE_CREDENTIAL_CACHE_FILE=${shq(programs.crowdedCache)} ${words(nodeHit)}`),
    });
  }
  if (kccBinary !== undefined) {
    const binHit = [kccBinary, ...AWS_PLUGIN];
    add({
      id: "c-bin-file",
      cached: true,
      name: "hit, binary, file store",
      section: credential,
      baseline: "e-bun",
      command: inShell(words(binHit)),
      memory: binHit,
    });
    // A developer's shell: the cache key reads every variable's name on every call. Timed with the
    // shell's own assignments, so that the row pays no more processes than the plain hit; measured for
    // memory through env(1), which execs the binary in its own place.
    const variables = Object.entries(largeEnvironment());
    const assignments = variables.map(([name, value]) => `${name}=${value}`);
    const inShellAssignments = variables.map(([name, value]) => `${name}=${shq(value)}`).join(" ");
    add({
      id: "c-bin-large-env",
      cached: true,
      name: "hit, binary, file store, 320 more variables in the environment",
      section: credential,
      baseline: "c-bin-file",
      command: inShell(`${inShellAssignments} ${words(binHit)}`),
      memory: ["env", ...assignments, ...binHit],
    });
  }
  if (reference !== undefined) {
    const goHit = [reference, ...AWS_PLUGIN];
    add({
      id: "c-go-file",
      cached: true,
      name: "hit, Go original, file store",
      section: credential,
      command: inShell(`${goEnv} ${words(goHit)}`),
      memory: ["env", `KUBE_CREDENTIAL_CACHE_FILE=${goCache}`, ...goHit],
    });
  }

  if (keyring) rows.push(...keyringRows(world, programs));

  const empty = "empty";
  add({ id: "e-sh", name: "sh -c ':' (in every row)", section: empty, command: inShell(":") });
  const nodeEmpty = [node, "-e", ""];
  add({
    id: "e-node",
    name: "node -e ''",
    section: empty,
    command: inShell(words(nodeEmpty)),
    memory: nodeEmpty,
  });
  if (extraCa) {
    add({
      id: "e-node-noca",
      name: "node -e '', NODE_EXTRA_CA_CERTS unset",
      section: empty,
      command: inShell(`unset NODE_EXTRA_CA_CERTS; ${words(nodeEmpty)}`),
    });
  }
  if (emptyBun !== undefined) {
    add({
      id: "e-bun",
      name: "empty bun binary",
      section: empty,
      command: inShell(shq(emptyBun)),
      memory: [emptyBun],
    });
  }
  // node:crypto costs Node start-up time where NODE_EXTRA_CA_CERTS is unset (with it set, the
  // certificate store is built anyway and the two cost the same): src/core/sha256.ts stays while the
  // first row is the slower.
  if (programs.hashProbes !== undefined) {
    const unset = "unset NODE_EXTRA_CA_CERTS; ";
    // The empty program in the same environment (hyperfine keys rows by name: no second copy of it).
    const hashBaseline = extraCa ? "e-node-noca" : "e-node";
    add({
      id: "h-node-crypto",
      name: "node: require node:crypto, hash one key",
      section: "choices",
      baseline: hashBaseline,
      command: inShell(`${unset}${words([node, programs.hashProbes.nodeCrypto])}`),
    });
    add({
      id: "h-portable",
      name: "node: src/core/sha256.ts, hash one key",
      section: "choices",
      baseline: hashBaseline,
      command: inShell(`${unset}${words([node, programs.hashProbes.portable])}`),
    });
  }
  return rows;
}

/**
 * The secret store, for each tool that has one (the Go original in its keyring mode, with a cache
 * file of its own): a hit; a miss that runs a fast plugin and writes the store (a new argument each
 * run, from the shell's pid, makes every run a miss); and --list and --status on a store of 1,000
 * entries.
 */
function keyringRows(world: World, programs: Programs): Row[] {
  const rows: Row[] = [];
  const section = "keyring";
  const ring = "KUBE_CREDENTIAL_CACHE_BACKEND=keyring";
  const tools: [string, string, readonly string[], string | undefined, Record<string, string>][] = [
    ["node", "Node", [programs.node, programs.kccNode], "e-node", {}],
  ];
  if (programs.kccBinary !== undefined) tools.push(["bin", "binary", [programs.kccBinary], "e-bun", {}]);
  if (programs.reference !== undefined) {
    const file = join(world.sandbox.dir, "go-original-keyring-cache.json");
    tools.push(["go", "Go original", [programs.reference], undefined, { KUBE_CREDENTIAL_CACHE_FILE: file }]);
  }
  // Every tool's hit first, side by side, then the misses, then the management rows: the hits the
  // goal compares are timed together, and none right after the --list rows, which moved ours and not
  // the Go original's in one run (docs/performance.md).
  const hits: Row[] = [];
  const misses: Row[] = [];
  const management: Row[] = [];
  for (const [id, label, kcc, floor, env] of tools) {
    const assignments = Object.entries(env).map(([name, value]) => `${name}=${shq(value)}`);
    const prefix = [ring, ...assignments].join(" ");
    const hit = [...kcc, ...AWS_PLUGIN];
    hits.push({
      id: `s-${id}-hit`,
      cached: true,
      name: `hit, ${label}, secret store`,
      section,
      ...(floor === undefined ? {} : { baseline: floor }),
      command: inShell(`${prefix} ${words(hit)}`),
      memory: ["env", ...[ring, ...Object.entries(env).map(([name, value]) => `${name}=${value}`)], ...hit],
    });
    misses.push({
      id: `s-${id}-miss`,
      name: `miss that writes, ${label}, secret store (fast plugin)`,
      section,
      command: inShell(`${prefix} ${words([...kcc, FAST_PLUGIN_NAME])} "$$"`),
    });
    if (id === "go" || programs.crowdedKeyring === undefined) continue;
    for (const option of ["--list", "--status"]) {
      management.push({
        id: `s-${id}${option.replace("--", "-")}`,
        name: `${label}: ${option}, secret store of 1,000 entries`,
        section,
        command: inShell(
          `${ring} KUBE_CREDENTIAL_CACHE_FILE=${shq(programs.crowdedKeyring)} ${words([...kcc, option])} >/dev/null`,
        ),
      });
    }
  }
  rows.push(...hits, ...misses, ...management);
  return rows;
}
