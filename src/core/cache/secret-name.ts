/*
 * Whether a variable or flag NAME says its value is a secret, so the cache key holds only a digest of
 * it (docs/cache-key.md). Cache keys are shown by `kcc-cache --list` and the debug log and stored as
 * keyring account names, so they must never carry a password or token in clear.
 *
 * The rule errs towards digesting: a readable value that is digested only costs readability, a secret
 * that stays readable leaks. So a name is secret when it merely CONTAINS one of the words secretNames
 * searches for, whatever surrounds it (MY_APITOKEN, --oidc-client-secret, AWS_SECRET_ACCESS_KEY,
 * AWS_ACCESS_KEY_ID too: an ID, harmless either way, and one rule with no exceptions is easier to
 * trust than a list of them).
 */
/**
 * …unless its last word says the value is where a secret is kept, not the secret itself:
 * AWS_WEB_IDENTITY_TOKEN_FILE, AWS_SHARED_CREDENTIALS_FILE, --token-cache-dir, --password-file.
 */
const PATH_WORDS = new Set(["FILE", "FILES", "FILENAME", "DIR", "DIRECTORY", "PATH"]);

/*
 * Both rules below are string operations, no regular expressions: they run on every call, and
 * compiling an expression costs a hit's start more than the matching (docs/startup.md). A name's words
 * are its runs of letters and digits, after upper-casing.
 */
export function isSecretName(name: string): boolean {
  return secretNames([name])[0] === true;
}

/**
 * Whether each of NAMES is secret, in one pass: the cache key asks this of every variable it takes,
 * and a call per name would pass the JIT's threshold at a few dozen names, where one loop turn per
 * name does not (docs/startup.md, "A large environment").
 */
export function secretNames(names: readonly string[]): boolean[] {
  const secret: boolean[] = [];
  for (const name of names) {
    const upper = name.toUpperCase();
    // The words, each searched for on its own rather than by a loop over a list: most names hold
    // none, and a loop per name would be compiled in a large environment as a call per name is.
    const secretWord =
      upper.includes("SECRET") ||
      upper.includes("PASSWORD") ||
      upper.includes("PASSWD") ||
      upper.includes("PASSPHRASE") ||
      upper.includes("TOKEN") ||
      upper.includes("KEY") ||
      upper.includes("CREDENTIAL") ||
      upper.includes("AUTH") ||
      // A session's value is its key: BW_SESSION, OP_SESSION_<account>.
      upper.includes("SESSION") ||
      upper.includes("COOKIE");
    if (!secretWord) {
      secret.push(false);
      continue;
    }
    // The last word. Where it ends, whatever trails it (rarely anything) skipped; where it starts, by
    // native searches for the separators names use, not a loop over its letters, which a few dozen
    // secret names would make the JIT compile (docs/startup.md, "Many names taken"). There is a
    // letter or digit: the secret word found above.
    let end = upper.length;
    for (; end > 0; end -= 1) {
      const code = upper.charCodeAt(end - 1);
      if ((code >= 65 && code <= 90) || (code >= 48 && code <= 57)) break;
    }
    const tail = upper.slice(
      Math.max(upper.lastIndexOf("_", end - 1), upper.lastIndexOf("-", end - 1)) + 1,
      end,
    );
    if (PATH_WORDS.has(tail)) {
      secret.push(false);
      continue;
    }
    // `tail` is the last word unless another character (a dot, a space) is in it: only then can the
    // last word still be a path word, and only then are its letters read one by one. The endings
    // are PATH_WORDS', written out: a loop over the set would cost every secret name its turns.
    const mayEndInPathWord =
      tail.endsWith("FILE") ||
      tail.endsWith("FILES") ||
      tail.endsWith("FILENAME") ||
      tail.endsWith("DIR") ||
      tail.endsWith("DIRECTORY") ||
      tail.endsWith("PATH");
    let start = end;
    if (mayEndInPathWord)
      for (; start > 0; start -= 1) {
        const code = upper.charCodeAt(start - 1);
        if (!((code >= 65 && code <= 90) || (code >= 48 && code <= 57))) break;
      }
    secret.push(!mayEndInPathWord || !PATH_WORDS.has(upper.slice(start, end)));
  }
  return secret;
}

/**
 * The name of a command-line flag (`--name`, `-name`, `--name=value`: Go's flag package takes one
 * dash or two), or undefined for anything else: a bare word such as `get-token`, `-`, `--`, `-5`.
 */
export function flagName(arg: string): string | undefined {
  const rest = arg.startsWith("--") ? arg.slice(2) : arg.startsWith("-") ? arg.slice(1) : undefined;
  const first = rest?.charCodeAt(0) ?? 0;
  // A letter first: -5 is a number, --- nothing.
  if (rest === undefined || !((first >= 65 && first <= 90) || (first >= 97 && first <= 122)))
    return undefined;
  const equals = rest.indexOf("=");
  return equals === -1 ? rest : rest.slice(0, equals);
}
