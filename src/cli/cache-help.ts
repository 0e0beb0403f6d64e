export const CACHE_HELP = `Usage: kcc-cache [options] <plugin> [args...]

Runs a Kubernetes exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin,
kubelogin, ...) and caches the ExecCredential it prints until shortly before it expires.
Point a kubeconfig user's exec.command at kcc-cache and move the plugin into args
(kcc-injector does this for you).

Options (only before the plugin):
  -h, --help     show this help
      --version  print the version
      --         end of kcc-cache's options

Managing the cache (instead of a plugin):
  --list [--json]    one row per cached credential: store, time to expiry,
                     token or certificate, key (never the secret)
  --clear [KEY...]   remove those entries, or every kube-credential-cache entry
                     in both the cache file and the OS secret store
  --status [--json]  which store is used and why, the cache file, entry counts

Environment:
  KUBE_CREDENTIAL_CACHE_BACKEND             keyring | file | auto (default: the OS secret
                                            store when one exists, else the file)
  KUBE_CREDENTIAL_CACHE_FILE                cache file, an absolute path (default: per-OS
                                            cache dir; /dev/null turns caching off)
  KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN      refresh this long before expiry (30s)
  KUBE_CREDENTIAL_CACHE_DEFAULT_TTL         keep credentials without expiry this long (1h)
  KUBE_CREDENTIAL_CACHE_NO_EXPIRY_THRESHOLD expiry this far in the past means "none" (24h)
  KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST   extra env names in the cache key, besides the
                                            built-in identity variables of aws, gcloud, az
                                            (KUBE_CREDENTIAL_CACHE_USER,AWS_PROFILE,AWS_REGION,AWS_VAULT)
  KUBE_CREDENTIAL_CACHE_LOCK_TIMEOUT        wait at most this long for a parallel refresh, or for
                                            the cache file when many calls store at once (60s)
  KUBE_CREDENTIAL_CACHE_BACKGROUND_REFRESH  this long before the refresh margin, serve the
                                            credential and refresh it in the background (5m;
                                            0 turns it off)
  KUBE_CREDENTIAL_CACHE_SELF_HEAL           0/false/no/off: never take the same kubectl process
                                            asking again as a rejected credential (on)
  KUBE_CREDENTIAL_CACHE_DEBUG               1/true/yes/on: explain decisions on stderr
`;
