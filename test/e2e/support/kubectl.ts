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
  const chosen = process.env["KCC_TEST_KUBECTL"];
  if (chosen !== undefined && chosen !== "") {
    const path = chosen.includes("/") ? resolve(chosen) : onPath(chosen);
    if (path === undefined) throw new Error(`KCC_TEST_KUBECTL=${chosen} is not an executable`);
    return path;
  }
  const plain = onPath("kubectl");
  if (plain === undefined) return undefined;
  const dir = dirname(realpathSync(plain));
  const versioned = readdirSync(dir)
    .filter((name) => /^kubectl\.1\.\d+$/.test(name))
    .sort((a, b) => Number(a.split(".")[2]) - Number(b.split(".")[2]))
    .map((name) => join(dir, name))
    .filter(isExecutable);
  return versioned.at(-1) ?? plain;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir !== "" && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
