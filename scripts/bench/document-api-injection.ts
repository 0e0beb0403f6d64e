// The road not taken, for the bench: the same injection as src/core/kubeconfig/edits.ts, made with
// yaml's Document API (edit the tree, print it with toString) instead of splicing the source at node
// ranges. `npm run bench:injector` counts the lines each changes: the reason edits.ts splices.
import { type YAMLMap, isMap, isSeq, parseDocument } from "yaml";

export function injectWithDocumentApi(source: string): string {
  const doc = parseDocument(source);
  const users = doc.get("users");
  if (!isSeq(users)) return source;
  for (const item of users.items) {
    if (!isMap(item)) continue;
    const exec = (item.get("user") as YAMLMap | undefined)?.get("exec");
    if (!isMap(exec)) continue;
    const command = String(exec.get("command"));
    exec.set("command", "kcc-cache");
    const args = exec.get("args");
    if (isSeq(args)) args.items.unshift(doc.createNode(command));
    else exec.set("args", doc.createNode([command]));
    // The same two entries splicing adds (the restore state's content does not change the line count).
    const entries = [
      { name: "KUBE_CREDENTIAL_CACHE_USER", value: String(item.get("name")) },
      { name: "KUBE_CREDENTIAL_CACHE_ORIGINAL", value: "{}" },
    ];
    const env = exec.get("env");
    if (isSeq(env)) env.items.push(...entries.map((entry) => doc.createNode(entry)));
    else exec.set("env", doc.createNode(entries));
    exec.set("provideClusterInfo", true);
  }
  return doc.toString();
}
