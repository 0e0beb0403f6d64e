import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ApiServer } from "./api-server.js";
import type { Sandbox } from "./sandbox.js";

export interface ExecUser {
  name: string;
  exec: {
    command: string;
    args?: string[];
    env?: { name: string; value: string }[];
    apiVersion?: string;
    provideClusterInfo?: boolean;
    interactiveMode?: string;
  };
}

/**
 * Writes a one-cluster, one-user kubeconfig (JSON, which kubectl reads as YAML) at
 * <dir>/kubeconfig-<user>.json and returns its path. apiVersion defaults to v1beta1 and
 * interactiveMode to Never, so kubectl never hands the plugin the terminal.
 */
export function writeKubeconfig(
  sandbox: Sandbox,
  server: ApiServer,
  user: ExecUser,
  options: { path?: string } = {},
): string {
  const path = options.path ?? join(sandbox.dir, `kubeconfig-${user.name}.json`);
  const exec: Record<string, unknown> = {
    apiVersion: user.exec.apiVersion ?? "client.authentication.k8s.io/v1beta1",
    command: user.exec.command,
    args: user.exec.args ?? [],
    env: user.exec.env ?? null,
    interactiveMode: user.exec.interactiveMode ?? "Never",
    provideClusterInfo: user.exec.provideClusterInfo ?? false,
  };
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "e2e", cluster: { server: server.url, "certificate-authority-data": server.caData } }],
    users: [{ name: user.name, user: { exec } }],
    contexts: [{ name: "e2e", context: { cluster: "e2e", user: user.name } }],
    "current-context": "e2e",
    preferences: {},
  };
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return path;
}
