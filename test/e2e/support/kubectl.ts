import { accessSync, constants, readdirSync, realpathSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import type { TestContext } from "node:test";
import { skipOrFailUnderCi } from "./skip.js";

/**
 * A real kubectl that runs the exec plugin once per call (one client-go process), found by
 * KCC_TEST_KUBECTL or on PATH, never by an install path. gcloud's `kubectl` is a dispatcher that runs
 * client-go twice per call (once to read the server version, then in the versioned kubectl.1.xx it
 * execs): when that is what PATH holds, the newest versioned binary beside it is used. Undefined
 * (after skipping, or failing under CI) when there is none.
 */
export function requireKubectl(t: TestContext): string | undefined {
  const kubectl = findKubectl();
  if (kubectl === undefined) skipOrFailUnderCi(t, "kubectl is not on PATH (or set KCC_TEST_KUBECTL)");
  return kubectl;
}

/** The kubectl requireKubectl gives, or undefined when there is none (for a choice made at load time). */
export function findKubectl(): string | undefined {
  const chosen = fromVariable("KCC_TEST_KUBECTL");
  if (chosen !== undefined) return chosen;
  const plain = onPath("kubectl");
  if (plain === undefined) return undefined;
  return versionedBeside(plain).at(-1) ?? plain;
}

/**
 * kubectl 1.<minor> itself, for tests that hold every supported client-go to a behaviour:
 * KCC_TEST_KUBECTL_1_<minor> (e.g. KCC_TEST_KUBECTL_1_27), else `kubectl.1.<minor>` on PATH or beside
 * the kubectl on PATH (where gcloud keeps its versioned kubectls). Skips, or fails under CI, without one.
 */
export function requireKubectlVersion(t: TestContext, minor: number): string | undefined {
  const variable = `KCC_TEST_KUBECTL_1_${minor}`;
  const chosen = fromVariable(variable);
  if (chosen !== undefined) return chosen;
  const name = `kubectl.1.${minor}`;
  const plain = onPath("kubectl");
  const found =
    onPath(name) ??
    (plain === undefined ? undefined : versionedBeside(plain).find((path) => path.endsWith(`/${name}`)));
  if (found === undefined)
    skipOrFailUnderCi(t, `${name} is not on PATH nor beside kubectl (or set ${variable})`);
  return found;
}

/**
 * gcloud's kubectl dispatcher: the `kubectl` on PATH when versioned kubectls lie beside it (it asks
 * the server's version, then execs the matching one in the same process). Skips, or fails under CI,
 * where PATH's kubectl is a plain one.
 */
export function requireGcloudDispatcher(t: TestContext): string | undefined {
  const plain = onPath("kubectl");
  const found = plain !== undefined && versionedBeside(plain).length > 0 ? plain : undefined;
  if (found === undefined)
    skipOrFailUnderCi(t, "gcloud's kubectl (with kubectl.1.xx beside it) is not on PATH");
  return found;
}

/** The kubectl a variable names (a path, or a command on PATH); undefined when it is unset. */
function fromVariable(variable: string): string | undefined {
  const chosen = process.env[variable];
  if (chosen === undefined || chosen === "") return undefined;
  const path = chosen.includes("/") ? resolve(chosen) : onPath(chosen);
  if (path === undefined) throw new Error(`${variable}=${chosen} is not an executable`);
  return path;
}

/** The executable kubectl.1.xx beside `kubectl` (links followed), oldest first. */
function versionedBeside(kubectl: string): string[] {
  const dir = dirname(realpathSync(kubectl));
  return readdirSync(dir)
    .filter((name) => /^kubectl\.1\.\d+$/.test(name))
    .sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]))
    .map((name) => join(dir, name))
    .filter(isExecutable);
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir !== "" && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
