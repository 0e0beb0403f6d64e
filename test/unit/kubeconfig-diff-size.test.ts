import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type YAMLMap, isMap, isSeq, parseDocument } from "yaml";
import { injectKubeconfig } from "../../src/core/kubeconfig/edits.js";
import { diffLines, splitLines } from "../../src/core/kubeconfig/unified-diff.js";

/**
 * Which editing technique gives the smaller diff: yaml's Document API (edit the AST,
 * print it with toString) or splicing the source at node ranges (what core/kubeconfig/edits.ts does).
 * This is the measurement, kept as a test so the choice stays justified: the Document API variant
 * below makes the same semantic edits.
 */
function injectWithDocumentApi(source: string): string {
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

const changedLines = (before: string, after: string): number =>
  diffLines(splitLines(before), splitLines(after)).filter((edit) => edit.kind !== "=").length;

const dir = join(__dirname, "..", "fixtures", "kubeconfig");
for (const file of readdirSync(dir).sort()) {
  test(`${file}: splicing changes no more lines than the Document API`, (context) => {
    const source = readFileSync(join(dir, file), "utf8");
    const options = { label: file, injectionCommand: "kcc-cache", users: undefined, baseDirectory: "/k" };
    const spliced = changedLines(source, injectKubeconfig(source, options).text);
    const documentApi = changedLines(source, injectWithDocumentApi(source));
    context.diagnostic(`changed lines: splicing ${spliced}, Document API ${documentApi}`);
    assert.ok(spliced <= documentApi, `splicing ${spliced} > Document API ${documentApi}`);
  });
}
