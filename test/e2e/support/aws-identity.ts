import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { assertOk, type CacheUnderTest } from "./kcc-cache.js";
import type { Sandbox } from "./sandbox.js";

/**
 * Alice and bob, two AWS identities the cache key must tell apart (docs/cache-key.md), for the
 * end-to-end test (the real aws CLI) and the in-process table (a script that picks keys as it does).
 */
export const ALICE = "AKIAALICE0000EXAMPLE";
export const BOB = "AKIABOB00000EXAMPLE0";
const GET_TOKEN = ["aws", "eks", "get-token", "--cluster-name", "x", "--region", "us-east-1"];

export type Env = Record<string, string | undefined>;

export interface AwsWorld {
  readonly cache: CacheUnderTest;
  /** How many times aws ran. */
  runs(): number;
}

/** Writes an ini file in the sandbox's ~/.aws with these sections → access key ids; returns its path. */
export function writeAwsFile(sandbox: Sandbox, name: string, sections: Record<string, string>): string {
  const path = join(sandbox.home, ".aws", name);
  const text = Object.entries(sections)
    .map(([section, id]) => `[${section}]\naws_access_key_id = ${id}\naws_secret_access_key = fake-${id}\n`)
    .join("");
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/**
 * Puts `aws` on the sandbox's PATH (the script `awsScript` returns, which adds a line to `counter` each
 * run) and gives the sandbox's own credentials file alice's and bob's profiles besides its default.
 */
export function useAwsWorld(cache: CacheUnderTest, awsScript: (counter: string) => string): AwsWorld {
  const counter = join(cache.sandbox.dir, "aws-runs");
  cache.sandbox.writeScript("aws", awsScript(counter));
  writeAwsFile(cache.sandbox, "credentials", { default: "AKIADEFAULT0EXAMPLE0", alice: ALICE, bob: BOB });
  return {
    cache,
    runs: () => (existsSync(counter) ? readFileSync(counter, "utf8").split("\n").filter(Boolean).length : 0),
  };
}

/**
 * alice, then bob, then alice again: bob must get a token signed by bob's key (a second aws run), and
 * alice's second call must be a hit serving her first token (the cache still works). `signer` reads
 * which access key signed a served credential.
 */
export async function assertAliceBobAlice(
  world: AwsWorld,
  signer: (stdout: string) => string,
  alice: Env,
  bob: Env,
): Promise<void> {
  const call = async (env: Env): Promise<string> => {
    const result = await world.cache.call(GET_TOKEN, { env });
    assertOk(result);
    return result.stdout;
  };
  const first = await call(alice);
  assert.equal(signer(first), ALICE, "alice's first token is alice's");
  const second = await call(bob);
  assert.equal(signer(second), BOB, "bob is served a token signed by bob's key, not alice's");
  assert.equal(world.runs(), 2, "bob's call ran aws");
  const third = await call(alice);
  assert.equal(third, first, "alice again is a hit on her own entry");
  assert.equal(world.runs(), 2, "no aws run for alice's second call");
}
