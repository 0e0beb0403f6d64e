import { keyDigest } from "../core/cache/cache-key.js";
import type { PluginRefresh } from "../core/cache/refresh-rules.js";
import type { CacheConfig, Env } from "../core/config.js";
import { judgePluginOutput } from "../core/credential/plugin-judgement.js";
import { decodePluginOutput } from "../core/credential/plugin-output.js";
import { errorSummary } from "../core/errors.js";
import { forgetServed } from "../io/processes/served-log.js";
import type { CredentialStore } from "../io/credential-store.js";
import { runPlugin, type PluginRunOptions } from "../io/processes/plugin.js";
import type { ServeRequest } from "./serve-request.js";

export interface RunAndStore {
  readonly request: ServeRequest;
  readonly key: string;
  /** The plugin's environment. */
  readonly env: Env;
  readonly apiVersion: string | undefined;
  readonly config: CacheConfig;
  readonly store: CredentialStore;
  readonly now: () => number;
  readonly options?: PluginRunOptions;
}

/** Runs the plugin, judges its output (core/credential/plugin-judgement.ts) and stores what may be kept. */
export async function runAndStore(job: RunAndStore): Promise<PluginRefresh> {
  const run = await runPlugin(job.request.command, job.request.args, job.env, job.options ?? {});
  if (run.stopped !== undefined) return { kind: "stopped", stop: run.stopped };
  if (run.exitCode !== 0) return { kind: "failed", exitCode: run.exitCode, stdout: run.stdout };
  const decoded = await decodePluginOutput(run.stdout);
  const judged = judgePluginOutput(decoded, run.stdout, job.apiVersion, job.config, job.now());
  if (judged.kind === "not-cached") return { kind: "not-cached", stdout: run.stdout, reason: judged.reason };
  const { entry } = judged;
  if (!judged.keep)
    return { kind: "credential", entry, stored: { kind: "not-kept", why: judged.why }, lifetime: judged.why };
  try {
    // With its key's digest, which a hit then need not compute (CacheEntry.keyDigest).
    const stored = { ...entry, keyDigest: keyDigest(job.key) };
    // First, so that every line written after the new entry is in place is about the new entry.
    if (job.store.lockDirectory !== undefined) forgetServed(job.store.lockDirectory, job.key, stored);
    await job.store.put(job.key, stored, entry.storedAtMs);
  } catch (error) {
    return {
      kind: "credential",
      entry,
      stored: { kind: "store-failed", why: errorSummary(error) },
      lifetime: judged.why,
    };
  }
  return { kind: "credential", entry, stored: { kind: "stored" }, lifetime: judged.why };
}
