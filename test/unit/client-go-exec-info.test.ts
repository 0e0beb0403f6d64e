import assert from "node:assert/strict";
import { test } from "node:test";
import { isClientGoExecInfo } from "../../src/core/credential/exec-info.js";

/**
 * KUBERNETES_EXEC_INFO byte for byte as each client handed it to a plugin (docs/serve-decision.md,
 * "Which callers are tracked"), the certificate-authority-data shortened. client-go ends it with a
 * newline; the Python client sends the same document whether provideClusterInfo is set or not.
 */
const CLUSTER =
  '"cluster":{"server":"https://127.0.0.1:42471","certificate-authority-data":"LS0tLS1CRUdJTi0tLS0tCg==","config":null}';
const cases: [string, string | undefined, boolean][] = [
  [
    "kubectl 1.27, v1beta1, provideClusterInfo",
    `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{${CLUSTER},"interactive":false}}\n`,
    true,
  ],
  [
    "kubectl 1.27, 1.33, and gcloud's dispatcher (both its requests), v1beta1",
    '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}\n',
    true,
  ],
  [
    "kubectl 1.33, v1, provideClusterInfo",
    `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{${CLUSTER},"interactive":false}}\n`,
    true,
  ],
  [
    "Python client 22.6, v1beta1, with or without provideClusterInfo",
    '{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "spec": {"interactive": false}}',
    false,
  ],
  [
    "Python client 22.6, v1",
    '{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "spec": {"interactive": false}}',
    false,
  ],
  ["@kubernetes/client-node 1.4 (sets none)", undefined, false],
  ["set but empty", "", false],
  [
    "client-go's document pretty-printed",
    '{\n  "kind": "ExecCredential",\n  "apiVersion": "client.authentication.k8s.io/v1beta1"\n}',
    false,
  ],
  [
    "compact, but apiVersion first",
    '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false}}',
    false,
  ],
  ["compact, kind first, another kind", '{"kind":"ExecCredentials","apiVersion":"v1","spec":{}}', false],
];

for (const [client, raw, fromClientGo] of cases) {
  test(`isClientGoExecInfo: ${client} → ${fromClientGo}`, () => {
    assert.equal(isClientGoExecInfo(raw), fromClientGo);
  });
}
