/**
 * `read` of every item, at most `atOnce` pending at a time, the results in the items' order whatever
 * order they settle in. A rejection rejects the whole (the readers still pending run on unobserved).
 */
export async function readInOrder<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R>,
  atOnce: number,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let at = next++; at < items.length; at = next++) results[at] = await read(items[at] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(atOnce, items.length)) }, reader));
  return results;
}
