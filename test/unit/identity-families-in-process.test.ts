import assert from "node:assert/strict";
import { test } from "node:test";
import { writeFakePlugin } from "../e2e/support/fake-plugin.js";
import { separates, type Variant } from "../e2e/support/key-separation.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * The identity rule (docs/cache-key.md) against each plugin family as kubeconfigs run it: a scripted
 * plugin under the family's own command name and command line, called twice with one variable
 * switched. A variable that selects an identity must give the second call a plugin run of its own
 * (never the first call's token); one that cannot change who is signed in must not cost a run.
 */

interface FamilyCase {
  readonly family: string;
  /** The command line as the plugin's kubeconfig entry runs it. */
  readonly commandLine: readonly string[];
  readonly variable: string;
  readonly values: readonly [string, string];
}

const CLUSTER_ID = "8f7c1c7e-5b1a-4c47-9a2e-2f1d5d0c9e11";

const AWS = ["aws", "eks", "get-token", "--cluster-name", "prod"];
const GKE = ["gke-gcloud-auth-plugin"];
const AZURE = [
  "kubelogin",
  "get-token",
  "--login",
  "azurecli",
  "--server-id",
  "6dae42f8-4368-4678-94ff-3960e28e3630",
];
const TSH = [
  "tsh",
  "kube",
  "credentials",
  "--kube-cluster=prod",
  "--teleport-cluster=teleport.example.com",
  "--proxy=teleport.example.com:443",
];
const OCI = [
  "oci",
  "ce",
  "cluster",
  "generate-token",
  "--cluster-id",
  "ocid1.cluster.oc1.eu-frankfurt-1.aaaa",
  "--region",
  "eu-frankfurt-1",
];
const DOCTL = [
  "doctl",
  "kubernetes",
  "cluster",
  "kubeconfig",
  "exec-credential",
  "--version=v1beta1",
  CLUSTER_ID,
];
const VAULT = ["vault", "write", "-format=json", "kubernetes/creds/dev", "kubernetes_namespace=default"];
const EXO = [
  "exo",
  "compute",
  "sks",
  "kubeconfig",
  "prod",
  "kube-admin",
  "--zone",
  "ch-gva-2",
  "--exec-credential",
];

const separating: readonly FamilyCase[] = [
  // The five the exact-name list missed.
  {
    family: "Teleport",
    commandLine: TSH,
    variable: "TELEPORT_HOME",
    values: ["/home/a/.tsh", "/home/b/.tsh"],
  },
  { family: "Teleport", commandLine: TSH, variable: "TELEPORT_USER", values: ["alice", "bob"] },
  { family: "Oracle Cloud", commandLine: OCI, variable: "OCI_CLI_PROFILE", values: ["DEFAULT", "PROD"] },
  {
    family: "Oracle Cloud",
    commandLine: OCI,
    variable: "OCI_CLI_CONFIG_FILE",
    values: ["/a/config", "/b/config"],
  },
  {
    family: "Oracle Cloud",
    commandLine: OCI,
    variable: "OCI_CLI_AUTH",
    values: ["api_key", "instance_principal"],
  },
  {
    family: "DigitalOcean",
    commandLine: DOCTL,
    variable: "DIGITALOCEAN_ACCESS_TOKEN",
    values: ["dop_v1_a", "dop_v1_b"],
  },
  {
    family: "DigitalOcean",
    commandLine: DOCTL,
    variable: "DIGITALOCEAN_CONTEXT",
    values: ["default", "work"],
  },
  {
    family: "DigitalOcean",
    commandLine: DOCTL,
    variable: "XDG_CONFIG_HOME",
    values: ["/home/a/.config", "/home/b/.config"],
  },
  { family: "HashiCorp Vault", commandLine: VAULT, variable: "VAULT_TOKEN", values: ["hvs.a", "hvs.b"] },
  {
    family: "HashiCorp Vault",
    commandLine: VAULT,
    variable: "VAULT_ADDR",
    values: ["https://a:8200", "https://b:8200"],
  },
  {
    family: "HashiCorp Vault",
    commandLine: VAULT,
    variable: "VAULT_NAMESPACE",
    values: ["team-a", "team-b"],
  },
  { family: "Exoscale", commandLine: EXO, variable: "EXOSCALE_ACCOUNT", values: ["dev", "prod"] },
  // The families the list had, through names it did not have.
  { family: "AWS", commandLine: AWS, variable: "AWS_PROFILE", values: ["dev", "prod"] },
  { family: "AWS", commandLine: AWS, variable: "AWS_EC2_METADATA_DISABLED", values: ["false", "true"] },
  { family: "AWS", commandLine: AWS, variable: "AWS_SSO_SESSION", values: ["corp", "lab"] },
  {
    family: "aws-iam-authenticator",
    commandLine: ["aws-iam-authenticator", "token", "-i", "prod"],
    variable: "AWS_ROLE_ARN",
    values: ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"],
  },
  {
    family: "aws-vault",
    commandLine: ["aws-vault", "exec", "dev", "--", ...AWS],
    variable: "AWS_VAULT_BACKEND",
    values: ["file", "pass"],
  },
  {
    family: "Granted",
    commandLine: AWS,
    variable: "GRANTED_SSO_START_URL",
    values: ["https://a", "https://b"],
  },
  { family: "saml2aws", commandLine: AWS, variable: "SAML2AWS_PROFILE", values: ["a", "b"] },
  {
    family: "Google Cloud",
    commandLine: GKE,
    variable: "CLOUDSDK_ACTIVE_CONFIG_NAME",
    values: ["dev", "prod"],
  },
  {
    family: "Google Cloud",
    commandLine: GKE,
    variable: "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT",
    values: ["a@x", "b@x"],
  },
  {
    family: "Google Cloud",
    commandLine: GKE,
    variable: "GCE_METADATA_HOST",
    values: ["169.254.169.254", "127.0.0.1:8080"],
  },
  {
    family: "Azure",
    commandLine: AZURE,
    variable: "AZURE_CONFIG_DIR",
    values: ["/home/a/.azure", "/home/b/.azure"],
  },
  { family: "Azure", commandLine: AZURE, variable: "AAD_LOGIN_METHOD", values: ["azurecli", "msi"] },
  {
    family: "Azure",
    commandLine: AZURE,
    variable: "IDENTITY_ENDPOINT",
    values: ["http://a/msi", "http://b/msi"],
  },
  {
    family: "Azure",
    commandLine: AZURE,
    variable: "KUBECACHEDIR",
    values: ["/home/a/.kube/cache", "/tmp/b"],
  },
  {
    family: "int128 kubelogin",
    commandLine: [
      "kubectl",
      "oidc-login",
      "get-token",
      "--oidc-issuer-url=https://issuer.example",
      "--oidc-client-id=k8s",
    ],
    variable: "HOME",
    values: ["/home/a", "/home/b"],
  },
  {
    family: "OpenStack",
    commandLine: ["client-keystone-auth", "--keystone-url=https://keystone.example:5000/v3"],
    variable: "OS_PROJECT_NAME",
    values: ["team-a", "team-b"],
  },
  {
    family: "Alibaba Cloud",
    commandLine: ["ack-ram-tool", "credential-plugin", "get-token", "--cluster-id", "c1234"],
    variable: "ALIBABA_CLOUD_PROFILE",
    values: ["default", "prod"],
  },
  {
    family: "Pinniped",
    commandLine: ["pinniped", "login", "oidc", "--issuer=https://issuer.example", "--client-id=pinniped-cli"],
    variable: "XDG_CONFIG_HOME",
    values: ["/home/a/.config", "/home/b/.config"],
  },
  {
    family: "1Password",
    commandLine: ["op", "run", "--", ...AWS],
    variable: "OP_ACCOUNT",
    values: ["a.1password.com", "b.1password.com"],
  },
  {
    family: "Bitwarden",
    commandLine: ["bw", "get", "password", "k8s-prod"],
    variable: "BW_SESSION",
    values: ["s1", "s2"],
  },
  // Plugins nobody listed: a secret's name, a configuration file's name, Kerberos' ticket cache.
  {
    family: "any (a token)",
    commandLine: ["hcloud-k8s-token"],
    variable: "HCLOUD_TOKEN",
    values: ["t1", "t2"],
  },
  {
    family: "any (an API key)",
    commandLine: ["ibmcloud", "ks", "token"],
    variable: "IC_API_KEY",
    values: ["k1", "k2"],
  },
  {
    family: "any (a config file)",
    commandLine: ["mycorp-login"],
    variable: "MYCORP_CONFIG_FILE",
    values: ["/a", "/b"],
  },
  {
    family: "any (Kerberos)",
    commandLine: ["mycorp-login"],
    variable: "KRB5CCNAME",
    values: ["FILE:/tmp/a", "FILE:/tmp/b"],
  },
];

/** Variables that differ between terminals or only shape what a tool prints: never a miss. */
const sharing: readonly FamilyCase[] = [
  { family: "AWS", commandLine: AWS, variable: "AWS_PAGER", values: ["less", ""] },
  { family: "AWS", commandLine: AWS, variable: "AWS_DEFAULT_OUTPUT", values: ["json", "yaml"] },
  { family: "AWS", commandLine: AWS, variable: "AWS_MAX_ATTEMPTS", values: ["3", "10"] },
  { family: "AWS", commandLine: AWS, variable: "AWS_CA_BUNDLE", values: ["/a.pem", "/b.pem"] },
  { family: "Google Cloud", commandLine: GKE, variable: "CLOUDSDK_CORE_DISABLE_PROMPTS", values: ["0", "1"] },
  {
    family: "Google Cloud",
    commandLine: GKE,
    variable: "CLOUDSDK_CORE_VERBOSITY",
    values: ["warning", "debug"],
  },
  {
    family: "Google Cloud",
    commandLine: GKE,
    variable: "CLOUDSDK_PYTHON",
    values: ["python3", "/usr/bin/python3.11"],
  },
  { family: "Azure", commandLine: AZURE, variable: "AZURE_CORE_OUTPUT", values: ["json", "table"] },
  { family: "HashiCorp Vault", commandLine: VAULT, variable: "VAULT_FORMAT", values: ["json", "table"] },
  { family: "HashiCorp Vault", commandLine: VAULT, variable: "VAULT_LOG_LEVEL", values: ["info", "trace"] },
  { family: "Teleport", commandLine: TSH, variable: "TELEPORT_DEBUG", values: ["0", "1"] },
  { family: "any", commandLine: AWS, variable: "TERM_SESSION_ID", values: ["w0t0p0:A", "w0t1p0:B"] },
  { family: "any", commandLine: AWS, variable: "ITERM_SESSION_ID", values: ["w0t0p0:A", "w0t1p0:B"] },
  {
    family: "any",
    commandLine: AWS,
    variable: "SSH_AUTH_SOCK",
    values: ["/tmp/ssh-a/agent.1", "/tmp/ssh-b/agent.2"],
  },
  {
    family: "any",
    commandLine: AWS,
    variable: "SSH_CONNECTION",
    values: ["10.0.0.1 1 10.0.0.2 22", "10.0.0.1 2 10.0.0.2 22"],
  },
  {
    family: "any",
    commandLine: GKE,
    variable: "DBUS_SESSION_BUS_ADDRESS",
    values: ["unix:path=/a", "unix:path=/b"],
  },
  { family: "any", commandLine: GKE, variable: "XDG_SESSION_ID", values: ["2", "7"] },
  { family: "any", commandLine: TSH, variable: "WINDOWID", values: ["1", "2"] },
  { family: "any", commandLine: TSH, variable: "TMUX_PANE", values: ["%1", "%2"] },
  { family: "any", commandLine: TSH, variable: "PWD", values: ["/srv/a", "/srv/b"] },
  { family: "any", commandLine: TSH, variable: "OLDPWD", values: ["/srv/a", "/srv/b"] },
  { family: "any", commandLine: TSH, variable: "SHLVL", values: ["1", "2"] },
  { family: "any", commandLine: OCI, variable: "KUBECONFIG", values: ["/a/config", "/b/config"] },
  { family: "any", commandLine: OCI, variable: "GPG_TTY", values: ["/dev/pts/1", "/dev/pts/2"] },
  { family: "any", commandLine: OCI, variable: "OS_ACTIVITY_MODE", values: ["", "disable"] },
];

for (const row of separating) {
  test(`${row.family}: ${row.variable} gives \`${row.commandLine.join(" ")}\` an entry per value`, async (t) => {
    assert.equal(await separatesBy(t, row), true, `${row.variable} must select its own entry`);
  });
}

for (const row of sharing) {
  test(`${row.family}: ${row.variable} does not split \`${row.commandLine.join(" ")}\``, async (t) => {
    assert.equal(await separatesBy(t, row), false, `${row.variable} must not cost a plugin run`);
  });
}

/** The scripted plugin under the family's command name (first in the sandbox's PATH), called as `separates` does. */
async function separatesBy(t: Parameters<typeof useInProcessCache>[0], row: FamilyCase): Promise<boolean> {
  const cache = useInProcessCache(t);
  const [command = "", ...args] = row.commandLine;
  const plugin = writeFakePlugin(cache.sandbox, command);
  const variant = (value: string): Variant => ({
    argv: () => [command, ...args],
    env: { [row.variable]: value },
  });
  const call = async (v: Variant): Promise<string> => {
    const result = await cache.call(v.argv(plugin), v.env === undefined ? {} : { env: v.env });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  return separates(call, plugin, variant(row.values[0]), variant(row.values[1]));
}
