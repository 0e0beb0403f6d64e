import type { ExecUser, ParsedKubeconfig } from "./document.js";
import type { EditOptions, EditResult, UserAction } from "./edit-types.js";
import { restoreUser } from "./restore-user.js";
import { type Splice, applySplices } from "./text.js";

/** Undoes the injections of the selected users of a parsed text, byte for byte; others are left as they are. */
export function restoreParsed(text: string, parsed: ParsedKubeconfig, options: EditOptions): EditResult {
  const users: { name: string; action: UserAction }[] = [];
  const splices: Splice[] = [];
  for (const user of selectedUsers(parsed.execUsers, options)) {
    const restore = restoreUser(text, user, options);
    users.push({ name: user.name, action: restore === undefined ? "not-injected" : "restored" });
    if (restore !== undefined) splices.push(...restore);
  }
  const result = splices.length === 0 ? text : applySplices(text, splices);
  return { text: result, users, userNames: parsed.userNames };
}

/** The users an edit acts on: those named with --user, else all. */
export function selectedUsers(users: readonly ExecUser[], options: EditOptions): readonly ExecUser[] {
  const only = options.users;
  return only === undefined ? users : users.filter((user) => only.has(user.name));
}
