import type { CallerIdentity } from "../core/cache/caller-identity.js";

/** What kubectl asked kcc-cache to run: the plugin and its arguments, as the kubeconfig gives them. */
export interface ServeRequest {
  readonly command: string;
  readonly args: readonly string[];
}

/** Who is asking, and the served log where each credential they are given is noted (core/cache/serve-decision.ts). */
export interface CallerRecord {
  readonly caller: CallerIdentity;
  readonly logPath: string;
}
