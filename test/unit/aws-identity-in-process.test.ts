import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ALICE,
  assertAliceBobAlice,
  BOB,
  useAwsWorld,
  writeAwsFile,
  type Env,
} from "../e2e/support/aws-identity.js";
import { shq } from "../e2e/support/fake-plugin.js";
import type { Sandbox } from "../e2e/support/sandbox.js";
import { useInProcessCache } from "./support/in-process-cache.js";

/**
 * Every variable that picks an AWS identity must be in the cache key (docs/cache-key.md): alice, then
 * bob, then alice again, through kcc-cache as a function. The `aws` here is a script that picks its keys
 * from these variables as the aws CLI does, and prints a token naming the access key it chose;
 * the real aws takes half a second a run, so test/e2e/kcc-cache-identity.test.ts runs it for two of
 * these variables only.
 */

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

/** Which access key the fake aws signed with. */
function signer(stdout: string): string {
  const token = (JSON.parse(stdout) as { status: { token: string } }).status.token;
  assert.match(token, /^fake-aws\./);
  return token.slice("fake-aws.".length);
}

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
      alice: { AWS_SHARED_CREDENTIALS_FILE: writeAwsFile(sandbox, "alice-credentials", { default: ALICE }) },
      bob: { AWS_SHARED_CREDENTIALS_FILE: writeAwsFile(sandbox, "bob-credentials", { default: BOB }) },
    }),
  },
  {
    // The same profile name in two config files, each with different keys.
    name: "AWS_CONFIG_FILE alice's profile then bob's",
    identities: (sandbox) => ({
      alice: {
        AWS_PROFILE: "team",
        AWS_CONFIG_FILE: writeAwsFile(sandbox, "alice-config", { "profile team": ALICE }),
      },
      bob: {
        AWS_PROFILE: "team",
        AWS_CONFIG_FILE: writeAwsFile(sandbox, "bob-config", { "profile team": BOB }),
      },
    }),
  },
];

for (const { name, identities } of cases) {
  test(`${name}: bob gets bob's token`, async (t) => {
    const world = useAwsWorld(useInProcessCache(t), FAKE_AWS);
    const { alice, bob } = identities(world.cache.sandbox);
    await assertAliceBobAlice(world, signer, alice, bob);
  });
}
