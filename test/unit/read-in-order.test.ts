import assert from "node:assert/strict";
import { test } from "node:test";
import { readInOrder } from "../../src/core/read-in-order.js";

/** A read whose answers the test releases by hand, in any order. */
function heldReads(): {
  read: (item: number) => Promise<string>;
  pending: () => number[];
  release: (item: number) => void;
  maxPending: () => number;
} {
  const waiting = new Map<number, () => void>();
  let most = 0;
  return {
    read: (item) =>
      new Promise((resolve) => {
        waiting.set(item, () => {
          resolve(`value of ${item}`);
        });
        most = Math.max(most, waiting.size);
      }),
    pending: () => [...waiting.keys()],
    release: (item) => {
      const resolve = waiting.get(item);
      if (resolve === undefined) throw new Error(`${item} is not pending`);
      waiting.delete(item);
      resolve();
    },
    maxPending: () => most,
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test("readInOrder: answers released last-first still come back in the items' order, at most atOnce pending", async () => {
  const items = Array.from({ length: 10 }, (_, n) => n);
  const held = heldReads();
  const all = readInOrder(items, held.read, 3);
  for (;;) {
    await turn();
    const pending = held.pending();
    if (pending.length === 0) break;
    // The newest first: a reader that keeps its slot in order would give the wrong results here.
    held.release(Math.max(...pending));
  }
  assert.deepEqual(
    await all,
    items.map((n) => `value of ${n}`),
  );
  assert.equal(held.maxPending(), 3);
});

test("readInOrder: no items, one item, fewer items than atOnce", async () => {
  const read = (item: string): Promise<string> => Promise.resolve(item.toUpperCase());
  assert.deepEqual(await readInOrder([], read, 16), []);
  assert.deepEqual(await readInOrder(["a"], read, 16), ["A"]);
  assert.deepEqual(await readInOrder(["a", "b", "c"], read, 16), ["A", "B", "C"]);
  assert.deepEqual(await readInOrder(["a", "b"], read, 0), ["A", "B"], "at least one at a time");
});

test("readInOrder: a failing read rejects the whole", async () => {
  const read = (item: number): Promise<number> =>
    item === 2 ? Promise.reject(new Error("store gone")) : Promise.resolve(item);
  await assert.rejects(readInOrder([1, 2, 3], read, 2), /store gone/);
});
