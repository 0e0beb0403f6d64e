import assert from "node:assert/strict";
import type { FakePlugin } from "./fake-plugin.js";

/** One way of calling kcc-cache: the plugin's arguments after it, and the environment to add or remove. */
export interface Variant {
  argv: (plugin: FakePlugin) => string[];
  env?: Record<string, string | undefined>;
}

/** Calls kcc-cache with a variant and returns what it printed (the e2e and in-process tests each have one). */
export type CallVariant = (variant: Variant) => Promise<string>;

export const plain = (...args: string[]): Variant => ({ argv: (plugin) => [plugin.path, ...args] });
export const withEnv = (env: Record<string, string | undefined>, ...args: string[]): Variant => ({
  argv: (plugin) => [plugin.path, ...args],
  env,
});

/**
 * Calls A, then B, then A and B again. When A and B are separate cache entries, B runs the plugin
 * (it must not be served A's credential) and the repeats are hits serving each its own credential.
 * True when the four calls ran the plugin twice (separate entries), false when once (B shared A's).
 */
export async function separates(
  call: CallVariant,
  plugin: FakePlugin,
  a: Variant,
  b: Variant,
): Promise<boolean> {
  const firstA = await call(a);
  const firstB = await call(b);
  const againA = await call(a);
  const againB = await call(b);
  assert.equal(againA, firstA, "A is served from its own entry");
  assert.equal(againB, firstB, "B is served from its own entry");
  const runs = plugin.runs();
  assert.ok(runs === 1 || runs === 2, `expected 1 or 2 plugin runs, got ${runs}`);
  if (runs === 2) assert.notEqual(firstA, firstB);
  return runs === 2;
}
