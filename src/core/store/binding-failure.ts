/**
 * Why the native secret-store binding did not load, in words that fit how kcc-cache was installed.
 * Node's own words for a platform package that is not there (`Cannot find module '…'`, then the
 * stack of requiring files) are right but give no remedy: that case names the package and says how
 * to get it. Any other failure (a blocked extraction of a binary's embedded addon, a library the OS
 * refuses) is passed on as it was.
 */
export function describeBindingFailure(message: string): string {
  const missing = /^Cannot find module '(@napi-rs\/keyring-[^']+)'/.exec(message)?.[1];
  if (missing === undefined) return message;
  return `the secret-store binding's platform package (${missing}) is not installed: reinstall kube-credential-cache without --omit=optional or --no-optional`;
}
