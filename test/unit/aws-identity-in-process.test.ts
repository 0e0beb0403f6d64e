import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { shq } from "../e2e/support/fake-plugin.js";
import type { Sandbox } from "../e2e/support/sandbox.js";
import { useInProcessCache, type InProcessCache } from "./support/in-process-cache.js";

/**
 * Every variable that picks an AWS identity must be in the cache key (docs/cache-key.md): alice, then
 * bob, then alice again, through kcc-cache as a function. The `aws` here is a script that picks its keys
 * from these variables as the aws CLI does, and prints a token naming the access key it chose;
 * the real aws takes half a second a run, so test/e2e/kcc-cache-identity.test.ts runs it for two of
 * these variables only.
 */

const ALICE = "AKIAALICE0000EXAMPLE";
const BOB = "AKIABOB00000EXAMPLE0";
const GET_TOKEN = ["aws", "eks", "get-token", "--cluster-name", "x", "--region", "us-east-1"];

/**
 * As the aws CLI does: keys in the environment win; else the profile's (AWS_DEFAULT_PROFILE before
 * AWS_PROFILE, as botocore reads them), from the credentials file, then the config file.
 */
const FAKE_AWS = (counter: string): string =>
  [
    "#!/bin/sh",
    `echo run >> ${shq(counter)}`,
    // Prints the aws_access_key_id of section $2 in file $1, if there is one.
    "key_in() {",
    '  [ -f "$1" ] || return 0',
    `  awk -v section="[$2]" '$0 == section { found = 1; next } /^\\[/ { found = 0 } found && $1 == "aws_access_key_id" { print $3; exit }' "$1"`,
    "}",
    'id="${AWS_ACCESS_KEY_ID-}"',
    'profile="${AWS_DEFAULT_PROFILE:-${AWS_PROFILE:-default}}"',
    '[ -n "$id" ] || id=$(key_in "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" "$profile")',
    '[ -n "$id" ] || id=$(key_in "${AWS_CONFIG_FILE:-$HOME/.aws/config}" "profile $profile")',
    '[ -n "$id" ] || { echo "Unable to locate credentials." >&2; exit 253; }',
    `printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2099-01-01T00:00:00Z","token":"fake-aws.%s"}}\\n' "$id"`,
    "",
  ].join("\n");

interface AwsWorld {
  readonly cache: InProcessCache;
  /** How many times the fake aws ran. */
  runs(): number;
}

/** Writes an ini file in the sandbox's ~/.aws with these sections → access key ids; returns its path. */
function awsFile(sandbox: Sandbox, name: string, sections: Record<string, string>): string {
  const path = join(sandbox.home, ".aws", name);
  const text = Object.entries(sections)
    .map(([section, id]) => `[${section}]\naws_access_key_id = ${id}\naws_secret_access_key = fake-${id}\n`)
    .join("");
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function useAwsWorld(cache: InProcessCache): AwsWorld {
  const counter = join(cache.sandbox.dir, "aws-runs");
  cache.sandbox.writeScript("aws", FAKE_AWS(counter));
  // The sandbox's own credentials file, now with alice and bob besides its default.
  awsFile(cache.sandbox, "credentials", { default: "AKIADEFAULT0EXAMPLE0", alice: ALICE, bob: BOB });
  return {
    cache,
    runs: () => (existsSync(counter) ? readFileSync(counter, "utf8").split("\n").filter(Boolean).length : 0),
  };
}

/** Which access key the fake aws signed with. */
function signer(stdout: string): string {
  const token = (JSON.parse(stdout) as { status: { token: string } }).status.token;
  assert.match(token, /^fake-aws\./);
  return token.slice("fake-aws.".length);
}

/**
 * alice, then bob, then alice again: bob must get a token signed by bob's key (a second aws run), and
 * alice's second call must be a hit serving her first token (the cache still works).
 */
async function aliceBobAlice(
  world: AwsWorld,
  alice: Record<string, string | undefined>,
  bob: Record<string, string | undefined>,
): Promise<void> {
  const call = async (env: Record<string, string | undefined>): Promise<string> => {
    const result = await world.cache.call(GET_TOKEN, { env });
    assert.equal(result.code, 0, result.stderr);
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

type Env = Record<string, string | undefined>;

const cases: { name: string; identities: (sandbox: Sandbox) => { alice: Env; bob: Env } }[] = [
  {
    name: "AWS_DEFAULT_PROFILE alice then bob",
    identities: () => ({ alice: { AWS_DEFAULT_PROFILE: "alice" }, bob: { AWS_DEFAULT_PROFILE: "bob" } }),
  },
  {
    name: "AWS_PROFILE alice then bob",
    identities: () => ({ alice: { AWS_PROFILE: "alice" }, bob: { AWS_PROFILE: "bob" } }),
  },
  {
    name: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY alice then bob",
    identities: () => ({
      alice: { AWS_ACCESS_KEY_ID: ALICE, AWS_SECRET_ACCESS_KEY: "alice-secret-key" },
      bob: { AWS_ACCESS_KEY_ID: BOB, AWS_SECRET_ACCESS_KEY: "bob-secret-key" },
    }),
  },
  {
    name: "AWS_SHARED_CREDENTIALS_FILE alice's file then bob's",
    identities: (sandbox) => ({
      alice: { AWS_SHARED_CREDENTIALS_FILE: awsFile(sandbox, "alice-credentials", { default: ALICE }) },
      bob: { AWS_SHARED_CREDENTIALS_FILE: awsFile(sandbox, "bob-credentials", { default: BOB }) },
    }),
  },
  {
    // The same profile name in two config files, each with different keys.
    name: "AWS_CONFIG_FILE alice's profile then bob's",
    identities: (sandbox) => ({
      alice: {
        AWS_PROFILE: "team",
        AWS_CONFIG_FILE: awsFile(sandbox, "alice-config", { "profile team": ALICE }),
      },
      bob: { AWS_PROFILE: "team", AWS_CONFIG_FILE: awsFile(sandbox, "bob-config", { "profile team": BOB }) },
    }),
  },
];

for (const { name, identities } of cases) {
  test(`${name}: bob gets bob's token`, async (t) => {
    const world = useAwsWorld(useInProcessCache(t));
    const { alice, bob } = identities(world.cache.sandbox);
    await aliceBobAlice(world, alice, bob);
  });
}
