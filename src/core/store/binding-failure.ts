/**
 * Why the native secret-store binding did not load, in words that fit how kcc-cache was installed.
 * The binding's own loader ends with npm advice for a project ("try `npm i` again after removing
 * package-lock.json"), wrong for a global install or a standalone binary, so that case is said
 * here; any other failure (a blocked extraction, a library the OS refuses) is passed on as it was.
 */
export function describeBindingFailure(message: string, standalone: boolean): string {
  if (!message.startsWith("Cannot find native binding")) return message;
  return standalone
    ? "the binary's embedded secret-store binding is missing"
    : "the secret-store binding's platform package (@napi-rs/keyring-<platform>) is not installed: reinstall kube-credential-cache without --omit=optional or --no-optional";
}
