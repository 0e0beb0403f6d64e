/** What an edit of one kubeconfig is asked to do, and what it did: shared by edits.ts and the per-user steps. */
export interface EditOptions {
  /** The file's path, for messages. */
  readonly label: string;
  /** The injection command (`-c`, default kcc-cache). */
  readonly injectionCommand: string;
  /** Only these users (--user); undefined means all. */
  readonly users: ReadonlySet<string> | undefined;
  /** Absolute directory of the kubeconfig: kubectl resolves relative commands against it. */
  readonly baseDirectory: string;
  /**
   * Called once per parse (of a whole file, or of its `users` entry when an edit is checked): lets a
   * test count the work, which must not grow with users.
   */
  readonly onParse?: (label: string) => void;
}

export type UserAction = "injected" | "restored" | "already-injected" | "not-injected";

export interface EditResult {
  readonly text: string;
  readonly users: readonly { readonly name: string; readonly action: UserAction }[];
  /** Every user name in the file, for --user names that match nothing anywhere. */
  readonly userNames: readonly string[];
}
