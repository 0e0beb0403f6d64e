/**
 * Whether a variable or flag NAME says its value is a secret, so the cache key holds only a digest of
 * it (docs/cache-key.md). Cache keys are shown by `kcc-cache --list` and the debug log and stored as
 * keyring account names, so they must never carry a password or token in clear.
 *
 * The rule errs towards digesting: a readable value that is digested only costs readability, a secret
 * that stays readable leaks. So a name is secret when it merely CONTAINS one of these words, whatever
 * surrounds it (MY_APITOKEN, --oidc-client-secret, AWS_SECRET_ACCESS_KEY, AWS_ACCESS_KEY_ID too: an ID,
 * harmless either way, and one rule with no exceptions is easier to trust than a list of them).
 */
const SECRET_WORDS = [
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "TOKEN",
  "KEY",
  "CREDENTIAL",
  "AUTH",
  // A session's value is its key: BW_SESSION, OP_SESSION_<account>.
  "SESSION",
  "COOKIE",
];

/**
 * …unless its last word says the value is where a secret is kept, not the secret itself:
 * AWS_WEB_IDENTITY_TOKEN_FILE, AWS_SHARED_CREDENTIALS_FILE, --token-cache-dir, --password-file.
 */
const PATH_WORDS = new Set(["FILE", "FILES", "FILENAME", "DIR", "DIRECTORY", "PATH"]);

export function isSecretName(name: string): boolean {
  const words = name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word) => word !== "");
  const last = words[words.length - 1];
  if (last === undefined || PATH_WORDS.has(last)) return false;
  const joined = words.join("_");
  return SECRET_WORDS.some((word) => joined.includes(word));
}

/**
 * The name of a command-line flag (`--name`, `-name`, `--name=value`: Go's flag package takes one
 * dash or two), or undefined for anything else: a bare word such as `get-token`, `-`, `--`, `-5`.
 */
export function flagName(arg: string): string | undefined {
  const match = /^--?([A-Za-z][^=]*)/.exec(arg);
  return match?.[1];
}
