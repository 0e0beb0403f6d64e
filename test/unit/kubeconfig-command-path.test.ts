import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { injectKubeconfig, restoreKubeconfig } from "../../src/core/kubeconfig/edits.js";
import { resolveExecCommand } from "../../src/core/kubeconfig/exec-command-path.js";

// client-go's rule (docs/protocol.md, kubeconfig): a command holding the OS's separator and not absolute
// is joined to the kubeconfig's directory, by Go's path rules on that OS.
const ROWS: [what: string, command: string, base: string, expected: string][] = [
  ["Linux: a bare name stays for PATH", "aws", "/k", "aws"],
  ["Linux: ./ joined", "./bin/token", "/k", "/k/bin/token"],
  ["Linux: a name with a / joined", "bin/token", "/k", "/k/bin/token"],
  ["Linux: .. cleaned", "../tools/token", "/k/sub", "/k/tools/token"],
  ["Linux: absolute stays", "/usr/bin/aws", "/k", "/usr/bin/aws"],
  ["Linux: a \\ is no separator", ".\\bin\\token", "/k", ".\\bin\\token"],
  ["Windows: a bare name stays for PATH", "az", "C:\\k", "az"],
  ["Windows: .\\ joined", ".\\bin\\token.cmd", "C:\\k", "C:\\k\\bin\\token.cmd"],
  ["Windows: a name with a \\ joined", "bin\\token.cmd", "C:\\k", "C:\\k\\bin\\token.cmd"],
  ["Windows: .. cleaned", "..\\tools\\t.exe", "C:\\k\\sub", "C:\\k\\tools\\t.exe"],
  ["Windows: / inside cleaned to \\", "bin/sub\\t.cmd", "C:\\k", "C:\\k\\bin\\sub\\t.cmd"],
  ["Windows: rooted without a drive is relative to Go", "\\tools\\t.exe", "C:\\k", "C:\\k\\tools\\t.exe"],
  ["Windows: a drive path stays", "C:\\Program Files\\az.cmd", "C:\\k", "C:\\Program Files\\az.cmd"],
  ["Windows: a drive path with / stays", "D:/tools/t.exe", "C:\\k", "D:/tools/t.exe"],
  ["Windows: a UNC path stays", "\\\\server\\share\\t.exe", "C:\\k", "\\\\server\\share\\t.exe"],
  ["Windows: / alone is no separator to Go", "./bin/token.cmd", "C:\\k", "./bin/token.cmd"],
  ["Windows: a UNC kubeconfig directory", ".\\t.cmd", "\\\\server\\share", "\\\\server\\share\\t.cmd"],
];

for (const [what, command, base, expected] of ROWS) {
  test(`resolveExecCommand: ${what}`, () => {
    assert.equal(resolveExecCommand(command, base), expected);
  });
}

test("a Windows kubeconfig: .\\ moves into args absolute, CRLF kept, restored byte for byte", () => {
  const source = "users:\r\n- name: u\r\n  user:\r\n    exec:\r\n      command: .\\bin\\token.cmd\r\n";
  const options = {
    label: "config",
    injectionCommand: "kcc-cache",
    users: undefined,
    baseDirectory: "C:\\Users\\me\\.kube",
  };
  const injected = injectKubeconfig(source, options).text;
  const exec = (parse(injected) as { users: { user: { exec: { args: string[] } } }[] }).users[0]?.user.exec;
  assert.deepEqual(exec?.args, ["C:\\Users\\me\\.kube\\bin\\token.cmd"]);
  assert.equal(injected.split("\r\n").length, injected.split("\n").length);
  assert.equal(restoreKubeconfig(injected, options).text, source);
});
