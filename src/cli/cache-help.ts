import type { CommandDoc } from "../core/command-doc/command-doc.js";

/** kcc-cache's --help, man page and completion, from this one description (src/core/command-doc/). */
export const CACHE_DOC: CommandDoc = {
  name: "kcc-cache",
  usage: "[options] <plugin> [args...]",
  summary: "cache the credentials of a Kubernetes exec credential plugin",
  description: [
    "Runs a Kubernetes exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin, ...) and caches the ExecCredential it prints until shortly before it expires. Point a kubeconfig user's exec.command at kcc-cache and move the plugin into args (kcc-injector does this for you).",
  ],
  operands: "plugin",
  sections: [
    {
      title: "Options (only before the plugin)",
      options: [
        { flags: ["-h", "--help"], text: "show this help" },
        {
          flags: ["--version"],
          text: "print the version, the runtime (Node or the standalone binary) and the commit",
        },
        {
          flags: ["--completion"],
          value: "SHELL",
          complete: "shells",
          text: "print a completion script for bash, zsh, fish or powershell",
        },
        {
          flags: ["--"],
          text: "end of kcc-cache's options: the plugin follows, even if its name starts with -",
        },
      ],
    },
    {
      title: "Managing the cache (instead of a plugin)",
      options: [
        {
          flags: ["--list"],
          managing: true,
          text: "one row per cached credential: store, time to expiry, token or certificate, key (never the secret); the filters select rows",
        },
        {
          flags: ["--clear"],
          operands: "[KEY...]",
          managing: true,
          text: "remove the named keys (copied from --list), the entries the filters select, or every kube-credential-cache entry, from the cache file and the OS secret store; a key not cached, or a filter that selects nothing, exits 1",
        },
        {
          flags: ["--status"],
          managing: true,
          text: "which store is used and why, the cache file, entry counts; exits 3 when credentials would not be cached now",
        },
        { flags: ["--json"], managing: true, text: "--list and --status as JSON" },
        { flags: ["--all"], managing: true, text: "--clear everything (as a bare --clear does)" },
        {
          flags: ["--forget-secret-store"],
          managing: true,
          text: "with a --clear of everything: also forget that this cache used a secret store (keyring-index.json), so that auto mode may use the file where no secret store answers",
        },
        {
          flags: ["--user"],
          value: "NAME",
          complete: "users",
          managing: true,
          text: "entries of this kubeconfig user (kcc-injector puts the user in the key)",
        },
        {
          flags: ["--context"],
          value: "NAME",
          complete: "contexts",
          managing: true,
          text: "entries of this context's user and cluster server, in the kubeconfig kubectl uses",
        },
        {
          flags: ["--cluster"],
          value: "NAME",
          complete: "clusters",
          managing: true,
          text: "entries for this kubeconfig cluster's server",
        },
        {
          flags: ["--plugin"],
          value: "CMD",
          complete: "commands",
          managing: true,
          text: "entries of this plugin command, by name (aws) or full path; filters combine",
        },
      ],
    },
    {
      title: "Environment",
      rows: [
        [
          "KUBE_CREDENTIAL_CACHE_BACKEND",
          "keyring | file | auto (default: the OS secret store when one exists, else the file)",
        ],
        [
          "KUBE_CREDENTIAL_CACHE_FILE",
          "cache file, an absolute path (default: per-OS cache dir; /dev/null turns caching off)",
        ],
        ["KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN", "refresh this long before expiry (30s)"],
        ["KUBE_CREDENTIAL_CACHE_DEFAULT_TTL", "keep credentials without expiry this long (1h)"],
        ["KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD", 'expiry this far in the past means "none" (24h)'],
        [
          "KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST",
          "extra env names in the cache key, besides the built-in identity variables of aws, gcloud, az (KUBE_CREDENTIAL_CACHE_USER,AWS_PROFILE,AWS_REGION,AWS_VAULT)",
        ],
        [
          "KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT",
          "wait at most this long for a parallel refresh, or for the cache file when many calls store at once (60s)",
        ],
        [
          "KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH",
          "this long before the refresh margin, serve the credential and refresh it in the background (5m; 0 turns it off)",
        ],
        [
          "KUBE_CREDENTIAL_CACHE_SELF_HEAL",
          "0/false/no/off: never take the same kubectl process asking again as a rejected credential (on)",
        ],
        ["KUBE_CREDENTIAL_CACHE_DEBUG", "1/true/yes/on: explain decisions on stderr"],
      ],
    },
    {
      title: "Exit status",
      rows: [
        ["0", "a credential was printed; --list, --clear, --status did what was asked"],
        [
          "1",
          "anything else, in one line; --clear: a named key was not cached, or a filter selected nothing",
        ],
        ["2", "usage or configuration error"],
        [
          "3",
          "--status: credentials would not be cached now (no usable store, caching off, an untrusted or newer cache file)",
        ],
        ["126, 127", "the plugin is not executable, or was not found"],
        ["141", "stdout's reader went away (| head): the rest was not printed, the work was done"],
        ["other", "the plugin failed: its exit code, stdout and stderr are passed on"],
      ],
    },
  ],
  examples: [
    ["kcc-cache aws eks get-token --cluster-name prod", "what a kubeconfig's exec entry runs"],
    ["kcc-cache --list --context prod", "the entries kubectl's context prod uses"],
    ["kcc-cache --clear --plugin aws", "forget every credential aws printed"],
    ["kcc-cache --status >/dev/null || echo uncached", "test whether credentials are cached"],
  ],
  seeAlso: ["kcc-injector(1)", "kubectl(1)"],
};
