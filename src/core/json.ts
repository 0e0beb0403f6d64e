/** The JSON value of `text`, or undefined when it is not JSON (no JSON text parses to undefined). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object's own fields except the named ones: what a later version added, to be written back. */
export function otherFields(
  record: Readonly<Record<string, unknown>>,
  known: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([field]) => !known.includes(field)));
}
