import { isRecord, parseJson } from "../json.js";
/**
 * What restore needs to undo an injection exactly, kept in the exec entry itself as one extra env
 * entry:
 *
 *   - name: KUBE_CREDENTIAL_CACHE_ORIGINAL
 *     value: '{"provideClusterInfo":null}'
 *
 * Why an env entry: kubectl rewrites the whole file whenever it changes it (`config use-context`,
 * `set-context`...), decoding into client-go's typed structs. That drops every comment and every key
 * client-go does not know — an `x-kcc-original:` key inside `exec` is gone after one `kubectl config
 * use-context` (measured with kubectl 1.27 and 1.33) — but env entries are data it must keep. The
 * plugin sees the variable too, which is harmless: kcc-cache does not read it and it is not in the
 * default cache-key list.
 *
 * Only facts that cannot be read back from the injected entry are recorded, each as the original
 * source text so that restore gives back the original bytes:
 *   - command: the original spelling, when args[0] does not hold it verbatim (a relative path made
 *     absolute, or a scalar that had to be re-quoted to move);
 *   - args / env: null when the key was absent; the text after the colon when it held no list
 *     (`args: null`, as kubectl writes); omitted when it was a list;
 *   - provideClusterInfo: null when absent; the original value text (`false`); omitted when true;
 *   - user: false when KUBE_CREDENTIAL_CACHE_USER was already set (and so not added by us).
 */
export const ORIGINAL_ENV = "KUBE_CREDENTIAL_CACHE_ORIGINAL";

export interface RestoreState {
  readonly command?: string;
  readonly args?: string | null;
  readonly env?: string | null;
  readonly provideClusterInfo?: string | null;
  readonly user?: false;
}

const FIELDS = ["command", "args", "env", "provideClusterInfo", "user"] as const;

export function encodeRestoreState(state: RestoreState): string {
  const ordered: Record<string, unknown> = {};
  for (const field of FIELDS) if (state[field] !== undefined) ordered[field] = state[field];
  return JSON.stringify(ordered);
}

/** undefined when the text is not a state this version wrote (restore then refuses to guess). */
export function decodeRestoreState(text: string): RestoreState | undefined {
  const record = parseJson(text);
  if (!isRecord(record)) return undefined;
  const state: { -readonly [K in keyof RestoreState]: RestoreState[K] } = {};
  for (const [key, field] of Object.entries(record)) {
    switch (key) {
      case "command":
        if (typeof field !== "string") return undefined;
        state.command = field;
        break;
      case "args":
      case "env":
      case "provideClusterInfo":
        if (field !== null && typeof field !== "string") return undefined;
        state[key] = field;
        break;
      case "user":
        if (field !== false) return undefined;
        state.user = false;
        break;
      default:
        return undefined;
    }
  }
  return state;
}
