// Kubeconfigs of a chosen size for `npm run bench:injector`: many exec users in the layouts people
// have (kubectl-written, hand-written with comments, flow style, null lists), or one exec user in a
// file made big by many clusters with certificate data, as organisations with hundreds of clusters
// keep them.

/** A kubeconfig with `users` exec users, each with its own cluster and context, layouts mixed. */
export function manyExecUsers(users: number): string {
  const clusters: string[] = [];
  const contexts: string[] = [];
  const entries: string[] = [];
  for (let index = 0; index < users; index += 1) {
    const name = `arn:aws:eks:eu-central-1:123456789012:cluster/c${index}`;
    clusters.push(cluster(name, 200));
    contexts.push(`- context:\n    cluster: ${name}\n    user: ${name}\n  name: ctx-${index}\n`);
    entries.push(USER_LAYOUTS[index % USER_LAYOUTS.length]?.(name, index) ?? "");
  }
  return document(clusters, contexts, entries);
}

/** About `bytes` of kubeconfig holding one exec user; the rest is clusters and contexts. */
export function bigFileOneExecUser(bytes: number): string {
  const clusters: string[] = [];
  const contexts: string[] = [];
  let size = 0;
  for (let index = 0; size < bytes; index += 1) {
    const name = `cluster-${index}`;
    const text = cluster(name, 2400);
    clusters.push(text);
    const context = `- context:\n    cluster: ${name}\n    user: exec-user\n  name: ctx-${index}\n`;
    contexts.push(context);
    size += text.length + context.length;
  }
  const user = USER_LAYOUTS[0]?.("exec-user", 0) ?? "";
  return document(clusters, contexts, [user, "- name: token-user\n  user:\n    token: not-a-real-token\n"]);
}

const USER_LAYOUTS: readonly ((name: string, index: number) => string)[] = [
  // As kubectl writes it after any `kubectl config` change.
  (name, index) =>
    [
      `- name: ${name}`,
      "  user:",
      "    exec:",
      "      apiVersion: client.authentication.k8s.io/v1beta1",
      "      args:",
      "      - --region",
      "      - eu-central-1",
      "      - eks",
      "      - get-token",
      "      - --cluster-name",
      `      - c${index}`,
      "      command: aws",
      "      env:",
      "      - name: AWS_PROFILE",
      `        value: profile-${index}`,
      "      interactiveMode: IfAvailable",
      "      provideClusterInfo: false",
      "",
    ].join("\n"),
  // Hand-written: comments, two-space sequence indent, flow args.
  (name, index) =>
    [
      `- name: ${name} # cluster ${index}`,
      "  user:",
      "    exec:",
      "      apiVersion: client.authentication.k8s.io/v1beta1 # v1 works too",
      "      command: aws",
      `      args: [eks, get-token, --cluster-name, "c${index}"]`,
      "",
    ].join("\n"),
  // Flow style exec, as some generators write it.
  (name) =>
    [
      `- name: "${name}"`,
      "  user:",
      "    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: gke-gcloud-auth-plugin, provideClusterInfo: true}",
      "",
    ].join("\n"),
  // kubectl-written with null lists.
  (name) =>
    [
      `- name: ${name}`,
      "  user:",
      "    exec:",
      "      apiVersion: client.authentication.k8s.io/v1",
      "      args: null",
      "      command: get-credential",
      "      env: null",
      "      interactiveMode: Never",
      "      provideClusterInfo: false",
      "",
    ].join("\n"),
];

function cluster(name: string, caBytes: number): string {
  const ca = Buffer.from("x".repeat(Math.ceil((caBytes * 3) / 4))).toString("base64");
  return `- cluster:\n    certificate-authority-data: ${ca}\n    server: https://${name.length}.example.com\n  name: ${name}\n`;
}

function document(
  clusters: readonly string[],
  contexts: readonly string[],
  users: readonly string[],
): string {
  return [
    "apiVersion: v1\nkind: Config\n",
    "clusters:\n",
    ...clusters,
    "contexts:\n",
    ...contexts,
    "current-context: ctx-0\npreferences: {}\n",
    "users:\n",
    ...users,
  ].join("");
}
