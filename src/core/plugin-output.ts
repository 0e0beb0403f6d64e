/**
 * Decodes what a plugin printed the way client-go does: exactly one ExecCredential, as JSON or YAML
 * (PROTOCOL.md). JSON is tried first because nearly every plugin prints it; the YAML parser is
 * loaded only for the rare plugin that does not.
 */
export type Decoded =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

export async function decodePluginOutput(stdout: string): Promise<Decoded> {
  if (stdout.trim() === "") return { ok: false, reason: "the plugin printed nothing on stdout" };
  try {
    return { ok: true, value: JSON.parse(stdout) as unknown };
  } catch {
    // Not JSON: maybe YAML, maybe a log line or trailing garbage around the JSON.
  }
  const { parseAllDocuments } = await import("yaml");
  const documents = parseAllDocuments(stdout);
  if (!Array.isArray(documents)) return { ok: false, reason: "stdout is empty" };
  if (documents.length !== 1)
    return { ok: false, reason: `stdout holds ${documents.length} documents, not one ExecCredential` };
  const [document] = documents;
  const error = document?.errors[0];
  if (document === undefined || error !== undefined) {
    return { ok: false, reason: `stdout is neither JSON nor YAML${error ? ` (${error.code})` : ""}` };
  }
  return { ok: true, value: document.toJS() as unknown };
}
