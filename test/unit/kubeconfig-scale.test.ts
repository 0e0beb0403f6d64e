import assert from "node:assert/strict";
import { test } from "node:test";
import { injectKubeconfig, restoreKubeconfig } from "../../src/core/kubeconfig/edits.js";

/** `users` exec users in kubectl's layout and a hand-written one, alternating. */
function kubeconfig(users: number): string {
  const lines = ["apiVersion: v1", "kind: Config", "users:"];
  for (let index = 0; index < users; index += 1) {
    lines.push(`- name: u${index}`, "  user:", "    exec:");
    if (index % 2 === 0) lines.push("      args:", "      - eks", "      command: aws", "      env: null");
    else lines.push("      command: aws # cli", `      args: [eks, get-token, --cluster-name, c${index}]`);
  }
  return `${lines.join("\n")}\n`;
}

// Work, not time: each file is parsed a fixed number of times whatever its number of users (once to
// plan, once to check the result), so the edits grow with the file, not with the file times its users.
for (const users of [1, 40, 400]) {
  test(`${users} exec users: inject parses the file twice, restore once`, () => {
    const source = kubeconfig(users);
    const parses: string[] = [];
    const options = {
      label: "config",
      injectionCommand: "kcc-cache",
      users: undefined,
      baseDirectory: "/k",
      onParse: (label: string) => parses.push(label),
    };
    const injected = injectKubeconfig(source, options);
    assert.equal(injected.users.filter((user) => user.action === "injected").length, users);
    assert.deepEqual(parses, ["config", "config"]);
    parses.length = 0;
    assert.equal(restoreKubeconfig(injected.text, options).text, source);
    assert.deepEqual(parses, ["config"]);
  });
}
