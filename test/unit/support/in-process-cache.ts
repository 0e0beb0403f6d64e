import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { runCache } from "../../../src/cli/kcc-cache.js";
import type { Runtime } from "../../../src/flows/runtime.js";
import { createSandbox, type Sandbox } from "../../e2e/support/sandbox.js";

/**
 * kcc-cache called as a function (runCache) instead of as a process, for tables of cases that differ
 * only in data. The sandbox is the e2e one (its HOME, PATH and file store; writeFakePlugin works on it);
 * the process table, the parent PID and the detached copy are the test's. Each call comes from a parent
 * of its own, as each kubectl call does, unless the test names one: the same parent asking again for a
 * valid credential is client-go's retry after a 401.
 */
export interface InProcessCache {
  readonly sandbox: Sandbox;
  /** The background refreshes a hit asked for (none is started). */
  readonly detachedCopies: readonly (readonly string[])[];
  call(argv: readonly string[], options?: InProcessCall): Promise<InProcessResult>;
}

export interface InProcessCall {
  /** Added to (or, with undefined values removed from) the sandbox's environment. */
  readonly env?: Record<string, string | undefined>;
  readonly parentPid?: number;
  /** The clock for this call (default: the real one). */
  readonly now?: number;
}

export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
}

// The builds define KCC_VERSION and KCC_COMMIT (what --version and --status print); in-process they are
// the package's version and "unknown", as in a build made outside a git checkout.
(globalThis as { KCC_COMMIT?: string }).KCC_COMMIT ??= "unknown";
(globalThis as { KCC_VERSION?: string }).KCC_VERSION ??= (
  JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as { version: string }
).version;

export function useInProcessCache(t: TestContext): InProcessCache {
  const sandbox = createSandbox();
  t.after(() => {
    sandbox.cleanup();
  });
  const detachedCopies: (readonly string[])[] = [];
  let nextPid = 10_000;
  return {
    sandbox,
    detachedCopies,
    async call(argv, options = {}) {
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries({ ...sandbox.env, ...options.env })) {
        if (value !== undefined) env[name] = value;
      }
      const chunks: Buffer[] = [];
      let stderr = "";
      const parentPid = options.parentPid ?? (nextPid += 1);
      const runtime: Runtime = {
        env,
        now: options.now === undefined ? Date.now : () => options.now as number,
        platform: { os: process.platform, homedir: sandbox.home },
        parentPid,
        uid: process.getuid?.(),
        identifyProcess: (pid) => ({ pid, start: "1", exe: "/usr/bin/kubectl" }),
        startDetachedCopy: (args) => {
          detachedCopies.push(args);
          return Promise.resolve(undefined);
        },
        stdout: (text) => {
          chunks.push(typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.from(text));
        },
        stderr: (text) => {
          stderr += text;
        },
      };
      const code = await runCache(argv, runtime);
      const stdoutBytes = Buffer.concat(chunks);
      return { code, stdout: stdoutBytes.toString("utf8"), stdoutBytes, stderr };
    },
  };
}
