/**
 * Which environment variables can decide WHOSE credential an exec plugin prints, so that they are
 * in the cache key (docs/cache-key.md has the rule, the survey of plugins behind it, and its
 * limits). An exact list of names is always one plugin behind, so the rule works on the shape of a
 * name instead:
 *
 * 1. every variable of a plugin family's own prefix (AWS_, CLOUDSDK_, TELEPORT_, VAULT_, …), except
 *    those whose last word says they only shape output, logging or retries (AWS_PAGER, VAULT_FORMAT);
 * 2. every variable that names where a tool keeps its configuration or signed-in state: the homes
 *    (HOME, XDG_CONFIG_HOME, APPDATA, …) and any *_CONFIG, *_CONFIG_FILE, *_CONFIG_DIR, … ;
 * 3. every variable whose words say it carries a secret (a token, a password, an API key), whatever
 *    plugin reads it: a different secret is a different identity. Its value is keyed as a digest.
 *
 * A variable that is not set costs nothing, so the rule errs towards including a name: an extra name
 * can only cost a miss when its value changes, a missing one serves another identity's token. What it
 * leaves out are the variables that differ between terminals of the same user (TERM_SESSION_ID,
 * SSH_AUTH_SOCK, WINDOWID, PWD, …): keying on those would make every new terminal a miss.
 */

/**
 * Plugin families by prefix: the cloud CLIs and their dedicated plugins, identity proxies and secret
 * managers found running as exec plugins. Each documents these prefixes for its own settings.
 */
export const IDENTITY_FAMILIES: readonly { readonly family: string; readonly prefixes: readonly string[] }[] =
  [
    // aws eks get-token, aws-iam-authenticator, the AWS SDKs; aws-vault (AWS_VAULT*), aws-sso-util.
    { family: "AWS", prefixes: ["AWS_"] },
    { family: "Granted (assume)", prefixes: ["GRANTED_"] },
    { family: "saml2aws", prefixes: ["SAML2AWS_"] },
    // gke-gcloud-auth-plugin, gcloud; Application Default Credentials and the metadata server they may use.
    { family: "Google Cloud", prefixes: ["CLOUDSDK_", "GOOGLE_", "GCE_METADATA_"] },
    // Azure kubelogin and az: the Azure SDK, kubelogin's own and Terraform's names, managed identity.
    { family: "Azure", prefixes: ["AZURE_", "AAD_", "ARM_", "MSI_", "IDENTITY_", "IMDS_"] },
    { family: "Teleport (tsh)", prefixes: ["TELEPORT_"] },
    { family: "Oracle Cloud (oci)", prefixes: ["OCI_"] },
    { family: "DigitalOcean (doctl)", prefixes: ["DIGITALOCEAN_"] },
    { family: "HashiCorp Vault", prefixes: ["VAULT_"] },
    { family: "HashiCorp Boundary", prefixes: ["BOUNDARY_"] },
    { family: "Exoscale (exo)", prefixes: ["EXOSCALE_"] },
    { family: "IBM Cloud", prefixes: ["IBMCLOUD_"] },
    { family: "Alibaba Cloud (ack-ram-tool)", prefixes: ["ALIBABA_CLOUD_", "ALICLOUD_"] },
    { family: "Tencent Cloud", prefixes: ["TENCENTCLOUD_"] },
    { family: "Scaleway (scw)", prefixes: ["SCW_"] },
    { family: "OpenStack (client-keystone-auth)", prefixes: ["OS_"] },
    { family: "Pinniped", prefixes: ["PINNIPED_"] },
    { family: "Rancher", prefixes: ["RANCHER_"] },
    { family: "StrongDM (sdm)", prefixes: ["SDM_"] },
    { family: "Okteto", prefixes: ["OKTETO_"] },
    { family: "1Password (op)", prefixes: ["OP_"] },
    { family: "Bitwarden (bw)", prefixes: ["BW_"] },
    { family: "Doppler", prefixes: ["DOPPLER_"] },
    { family: "Infisical", prefixes: ["INFISICAL_"] },
    { family: "Akeyless", prefixes: ["AKEYLESS_"] },
    { family: "pass, gopass", prefixes: ["PASSWORD_STORE_", "GOPASS_"] },
  ];

/** Where tools keep their configuration and signed-in state when no variable of their own says. */
export const CONFIG_LOCATIONS: readonly string[] = [
  "HOME",
  "USERPROFILE",
  "APPDATA",
  "LOCALAPPDATA",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_STATE_HOME",
  "XDG_CACHE_HOME",
  // gpg's keys (pass, gopass, sops), Kerberos' ticket cache and configuration, Azure kubelogin's token cache.
  "GNUPGHOME",
  "KRB5CCNAME",
  "KRB5_CONFIG",
  "KUBECACHEDIR",
];

/** Last words of a configuration location's name: DOCKER_CONFIG, SCW_CONFIG_PATH, RANCHER_CONFIG_DIR. */
const CONFIG_ENDINGS: readonly (readonly string[])[] = [
  ["CONFIG"],
  ["CONFIG", "FILE"],
  ["CONFIG", "DIR"],
  ["CONFIG", "PATH"],
  ["CONFIG", "HOME"],
];

/** Words that make a name a secret's, for any plugin: GITHUB_TOKEN, HCLOUD_TOKEN, IC_API_KEY. */
const SECRET_WORDS = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "APIKEY", "CREDENTIALS"];
const SECRET_PAIRS: readonly (readonly [string, string])[] = [
  ["API", "KEY"],
  ["ACCESS", "KEY"],
  ["PRIVATE", "KEY"],
];

/**
 * Last words of a family variable that cannot change who is signed in, only what is printed about
 * it, how loudly, or how often a request is retried: AWS_PAGER, AWS_DEFAULT_OUTPUT, VAULT_FORMAT,
 * CLOUDSDK_CORE_VERBOSITY, VAULT_LOG_LEVEL, AWS_MAX_ATTEMPTS, CLOUDSDK_CORE_DISABLE_PROMPTS.
 */
const PRESENTATION_ENDINGS = [
  "PAGER",
  "OUTPUT",
  "FORMAT",
  "COLOR",
  "COLOUR",
  "DEBUG",
  "VERBOSE",
  "VERBOSITY",
  "LEVEL",
  "TELEMETRY",
  "REPORTING",
  "PROMPT",
  "PROMPTS",
  "TIMEOUT",
  "ATTEMPTS",
  "RETRIES",
  "ERRORS",
];

/** Family variables with other last words that cannot change the identity either. */
const PRESENTATION_NAMES = new Set([
  "AWS_CA_BUNDLE",
  "AWS_RETRY_MODE",
  "AWS_CLI_FILE_ENCODING",
  "CLOUDSDK_PYTHON",
  "CLOUDSDK_PYTHON_SITEPACKAGES",
  "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK",
  // macOS logging knob (Xcode sets it), not OpenStack's.
  "OS_ACTIVITY_MODE",
]);

/*
 * The rule as set lookups on a name's words, in one loop over the names: this runs for every variable
 * on every kubectl call, at start-up, in bun's interpreter. A call per name made the JIT compile the
 * function, and regular expressions cost more to compile than the matching itself (docs/startup.md).
 * A name's words are what lies between underscores, empty ones skipped ("A__TOKEN" has the words A and
 * TOKEN); a prefix is matched on the name as written ("AWS_" starts "AWS__X").
 */
const CONFIG_LOCATION_NAMES = new Set(CONFIG_LOCATIONS);
const FAMILY_PREFIXES = new Set<string>();
for (const { prefixes } of IDENTITY_FAMILIES) for (const prefix of prefixes) FAMILY_PREFIXES.add(prefix);
const SECRET_WORD_SET = new Set(SECRET_WORDS);
/** Second word of a secret pair, by its first. */
const SECRET_PAIR_AFTER = new Map(SECRET_PAIRS);
const PRESENTATION_ENDING_SET = new Set(PRESENTATION_ENDINGS);
/** What may follow CONFIG as the last word of a configuration ending (CONFIG alone is one too). */
const AFTER_CONFIG = new Set<string>();
for (const ending of CONFIG_ENDINGS)
  if (ending.length === 2 && ending[1] !== undefined) AFTER_CONFIG.add(ending[1]);

/**
 * The names among `names` that are in the cache key by the rule above (the configured list is added to
 * them).
 */
export function identityVariables(names: readonly string[]): string[] {
  const picked: string[] = [];
  for (const name of names) {
    if (CONFIG_LOCATION_NAMES.has(name)) {
      picked.push(name);
      continue;
    }
    // One word (PATH, SHELL, LANG): a secret word or nothing; most names are, and need no split.
    if (!name.includes("_")) {
      if (SECRET_WORD_SET.has(name)) picked.push(name);
      continue;
    }
    const parts = name.split("_");
    const words: string[] = [];
    let secret = false;
    for (const part of parts) {
      if (part === "") continue;
      const before = words[words.length - 1];
      if (SECRET_WORD_SET.has(part) || (before !== undefined && SECRET_PAIR_AFTER.get(before) === part))
        secret = true;
      words.push(part);
    }
    const count = words.length;
    const last = words[count - 1] ?? "";
    const configEnding =
      (count > 1 && last === "CONFIG") ||
      (count > 2 && words[count - 2] === "CONFIG" && AFTER_CONFIG.has(last));
    // A prefix is one or two words and their underscores, as written.
    const family =
      (parts.length > 1 && FAMILY_PREFIXES.has(`${parts[0]}_`)) ||
      (parts.length > 2 && FAMILY_PREFIXES.has(`${parts[0]}_${parts[1]}_`));
    if (
      secret ||
      configEnding ||
      (family && !PRESENTATION_NAMES.has(name) && !PRESENTATION_ENDING_SET.has(last))
    )
      picked.push(name);
  }
  return picked;
}

/** Whether `name` alone is in the cache key by the rule above. */
export const isIdentityVariable = (name: string): boolean => identityVariables([name]).length === 1;
