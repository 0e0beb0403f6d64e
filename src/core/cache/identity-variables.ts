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

/*
 * The rule, in one loop over the names: it runs for every variable on every kubectl call, at start-up,
 * in bun's interpreter, so its lists are switches inside the loop. A table made as the module loads (a
 * Set of these words cost 5 heap blocks) counts towards the 64 blocks past which JavaScriptCore starts
 * a helper thread that costs a short program a few milliseconds (docs/startup.md, "The heap's warm-up
 * thread"); a helper function called per word is compiled by the JIT, and a regular expression costs
 * more to compile than the matching itself (docs/startup.md). Nor is every name split into words: a
 * loop that does so over a developer's environment, a hundred variables or more, passes the JIT's
 * threshold, and the hit compiles it (docs/startup.md, "A large environment"); a few searches set
 * most names aside first, and a family's name that holds none of the words they search for is read
 * by its last word alone. A name's words are what lies between underscores, empty ones skipped
 * ("A__TOKEN" has the words A and TOKEN); a prefix is matched on the name as written ("AWS_" starts
 * "AWS__X").
 */

/**
 * The names among `names` that are in the cache key by the rule above (the configured list is added to
 * them).
 */
export function identityVariables(names: readonly string[]): string[] {
  const picked: string[] = [];
  for (const name of names) {
    // Where tools keep their configuration and signed-in state when no variable of their own says.
    switch (name) {
      case "HOME":
      case "USERPROFILE":
      case "APPDATA":
      case "LOCALAPPDATA":
      case "XDG_CONFIG_HOME":
      case "XDG_DATA_HOME":
      case "XDG_STATE_HOME":
      case "XDG_CACHE_HOME":
      // gpg's keys (pass, gopass, sops), Kerberos' ticket cache and configuration, Azure kubelogin's token cache.
      case "GNUPGHOME":
      case "KRB5CCNAME":
      case "KRB5_CONFIG":
      case "KUBECACHEDIR":
        picked.push(name);
        continue;
    }
    // Plugin families by prefix: the cloud CLIs and their dedicated plugins, identity proxies and
    // secret managers found running as exec plugins, each by the prefixes it documents for its own
    // settings. A prefix is one or two words and their underscores.
    const underscore = name.indexOf("_");
    let family = false;
    let secondWord: string | undefined;
    if (underscore !== -1)
      switch (name.slice(0, underscore)) {
        // aws eks get-token, aws-iam-authenticator, the AWS SDKs; aws-vault (AWS_VAULT*), aws-sso-util.
        case "AWS":
        // Granted (assume), saml2aws.
        case "GRANTED":
        case "SAML2AWS":
        // gke-gcloud-auth-plugin, gcloud; Application Default Credentials (GCE_METADATA_ below).
        case "CLOUDSDK":
        case "GOOGLE":
        // Azure kubelogin and az: the Azure SDK, kubelogin's own and Terraform's names, managed identity.
        case "AZURE":
        case "AAD":
        case "ARM":
        case "MSI":
        case "IDENTITY":
        case "IMDS":
        // Teleport (tsh), Oracle Cloud (oci), DigitalOcean (doctl), HashiCorp Vault and Boundary.
        case "TELEPORT":
        case "OCI":
        case "DIGITALOCEAN":
        case "VAULT":
        case "BOUNDARY":
        // Exoscale (exo), IBM Cloud, Alibaba Cloud (ack-ram-tool; ALIBABA_CLOUD_ below), Tencent Cloud, Scaleway (scw).
        case "EXOSCALE":
        case "IBMCLOUD":
        case "ALICLOUD":
        case "TENCENTCLOUD":
        case "SCW":
        // OpenStack (client-keystone-auth), Pinniped, Rancher, StrongDM (sdm), Okteto.
        case "OS":
        case "PINNIPED":
        case "RANCHER":
        case "SDM":
        case "OKTETO":
        // Secret managers: 1Password (op), Bitwarden (bw), Doppler, Infisical, Akeyless, gopass (pass below).
        case "OP":
        case "BW":
        case "DOPPLER":
        case "INFISICAL":
        case "AKEYLESS":
        case "GOPASS":
          family = true;
          break;
        // The prefixes of two words: the second is checked below, once the name is set aside or not.
        case "GCE":
          secondWord = "METADATA";
          break;
        case "ALIBABA":
          secondWord = "CLOUD";
          break;
        case "PASSWORD":
          secondWord = "STORE";
          break;
      }
    // Set aside without a split: below, a name is picked only by a family's first word, a secret word
    // (each holds TOKEN, SECRET, PASS, CREDENTIALS or KEY) or the word CONFIG.
    const wordsMatter =
      name.includes("TOKEN") ||
      name.includes("SECRET") ||
      name.includes("PASS") ||
      name.includes("CREDENTIALS") ||
      name.includes("KEY") ||
      name.includes("CONFIG");
    if (!family && secondWord === undefined && !wordsMatter) continue;
    // A family whose prefix is two words: its second word as well ("GCE_METADATA_" starts the name).
    if (secondWord !== undefined)
      family =
        name.startsWith(secondWord, underscore + 1) &&
        name.charCodeAt(underscore + 1 + secondWord.length) === UNDERSCORE;
    let last: string;
    if (wordsMatter) {
      // The words are counted, and the last two kept, as they go by: no array of them per name.
      let count = 0;
      let secondLast = "";
      let secret = false;
      last = "";
      for (const part of name.split("_")) {
        if (part === "") continue;
        // Words that make a name a secret's, for any plugin: GITHUB_TOKEN, HCLOUD_TOKEN; and pairs that
        // do the same: IC_API_KEY, AWS_SECRET_ACCESS_KEY, a PRIVATE_KEY.
        switch (part) {
          case "TOKEN":
          case "SECRET":
          case "PASSWORD":
          case "PASSWD":
          case "PASSPHRASE":
          case "APIKEY":
          case "CREDENTIALS":
            secret = true;
            break;
          case "KEY":
            // `last` is still the word before this one.
            if (last === "API" || last === "ACCESS" || last === "PRIVATE") secret = true;
            break;
        }
        secondLast = last;
        last = part;
        count += 1;
      }
      // A configuration location by its last words: DOCKER_CONFIG, SCW_CONFIG_PATH, RANCHER_CONFIG_DIR.
      const configEnding =
        (count > 1 && last === "CONFIG") ||
        (count > 2 &&
          secondLast === "CONFIG" &&
          (last === "FILE" || last === "DIR" || last === "PATH" || last === "HOME"));
      if (secret || configEnding) {
        picked.push(name);
        continue;
      }
    } else {
      // A family's name with none of those words: only its last word matters, found by native
      // searches rather than a split, whose loop a family of many names (a cloud engineer's AWS_*)
      // would make the JIT compile. Trailing underscores are empty words, skipped.
      let end = name.length;
      while (end > 0 && name.charCodeAt(end - 1) === UNDERSCORE) end -= 1;
      last = name.slice(name.lastIndexOf("_", end - 1) + 1, end);
    }
    if (!family) continue;
    // Family variables that cannot change who is signed in, only what is printed about it, how loudly,
    // or how often a request is retried: by their last word (AWS_PAGER, AWS_DEFAULT_OUTPUT,
    // VAULT_FORMAT, CLOUDSDK_CORE_VERBOSITY, VAULT_LOG_LEVEL, AWS_MAX_ATTEMPTS,
    // CLOUDSDK_CORE_DISABLE_PROMPTS), or whole.
    switch (last) {
      case "PAGER":
      case "OUTPUT":
      case "FORMAT":
      case "COLOR":
      case "COLOUR":
      case "DEBUG":
      case "VERBOSE":
      case "VERBOSITY":
      case "LEVEL":
      case "TELEMETRY":
      case "REPORTING":
      case "PROMPT":
      case "PROMPTS":
      case "TIMEOUT":
      case "ATTEMPTS":
      case "RETRIES":
      case "ERRORS":
        continue;
    }
    switch (name) {
      case "AWS_CA_BUNDLE":
      case "AWS_RETRY_MODE":
      case "AWS_CLI_FILE_ENCODING":
      case "CLOUDSDK_PYTHON":
      case "CLOUDSDK_PYTHON_SITEPACKAGES":
      case "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK":
      // macOS logging knob (Xcode sets it), not OpenStack's.
      case "OS_ACTIVITY_MODE":
        continue;
    }
    picked.push(name);
  }
  return picked;
}

const UNDERSCORE = 0x5f;

/** Whether `name` alone is in the cache key by the rule above. */
export const isIdentityVariable = (name: string): boolean => identityVariables([name]).length === 1;
