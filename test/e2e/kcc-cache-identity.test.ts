import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { test, type TestContext } from "node:test";
import {
  ALICE,
  assertAliceBobAlice,
  BOB,
  useAwsWorld,
  writeAwsFile,
  type AwsWorld,
} from "./support/aws-identity.js";
import { shq, writeFakePlugin } from "./support/fake-plugin.js";
import { assertOk, installedCache, kccCache, useSandbox } from "./support/kcc-cache.js";
import type { Sandbox } from "./support/sandbox.js";
import { filesContaining, requireSecretServiceTools, useSecretService } from "./support/secret-service.js";
import { skipOrFailUnderCi } from "./support/skip.js";

/**
 * The cache key must see every variable that selects an identity (docs/cache-key.md): here the real
 * `aws eks get-token` picks alice's or bob's keys, and the token it prints says which one signed it.
 */

/** The real `aws` on PATH, or undefined after skipping (a failure under CI). */
function requireAws(t: TestContext): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const candidate = join(dir, "aws");
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  skipOrFailUnderCi(t, "the AWS CLI (`aws`) is not on PATH; install it to run this test");
  return undefined;
}

/** The real aws behind a wrapper that counts its runs, or undefined after skipping (a failure under CI). */
function useRealAwsWorld(t: TestContext): AwsWorld | undefined {
  const real = requireAws(t);
  if (real === undefined) return undefined;
  return useAwsWorld(
    installedCache(useSandbox(t)),
    (counter) => `#!/bin/sh\necho run >> ${shq(counter)}\nexec ${shq(real)} "$@"\n`,
  );
}

/** Which access key signed an EKS token: `k8s-aws-v1.` + base64url of a presigned STS URL. */
function signer(stdout: string): string {
  const token = (JSON.parse(stdout) as { status: { token: string } }).status.token;
  assert.match(token, /^k8s-aws-v1\./);
  const url = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString("utf8"));
  const credential = url.searchParams.get("X-Amz-Credential") ?? "";
  return credential.split("/")[0] ?? "";
}

// Each variable that picks an AWS identity has its row in test/unit/aws-identity-in-process.test.ts, with
// a scripted aws; the real aws (half a second a run) proves two of them: a profile name, and a file.
test("AWS_PROFILE alice then bob: bob gets bob's token", async (t) => {
  const world = useRealAwsWorld(t);
  if (world === undefined) return;
  await assertAliceBobAlice(world, signer, { AWS_PROFILE: "alice" }, { AWS_PROFILE: "bob" });
});

test("AWS_SHARED_CREDENTIALS_FILE alice's file then bob's: bob gets bob's token", async (t) => {
  const world = useRealAwsWorld(t);
  if (world === undefined) return;
  const aliceFile = writeAwsFile(world.cache.sandbox, "alice-credentials", { default: ALICE });
  const bobFile = writeAwsFile(world.cache.sandbox, "bob-credentials", { default: BOB });
  await assertAliceBobAlice(
    world,
    signer,
    { AWS_SHARED_CREDENTIALS_FILE: aliceFile },
    { AWS_SHARED_CREDENTIALS_FILE: bobFile },
  );
});

/** Unique per run, so a match can only come from this test. */
function uniqueSecret(what: string): string {
  return `${what}-${process.pid}-${Math.random().toString(36).slice(2)}`;
}

async function secretsStayOutOfKeys(
  sandbox: Sandbox,
  env: Record<string, string | undefined>,
  inspect: () => string,
): Promise<void> {
  const plugin = writeFakePlugin(sandbox, "secret-arg-plugin");
  const secrets = [uniqueSecret("oidc"), uniqueSecret("api"), uniqueSecret("aws")];
  const call = (oidc: string, api: string, aws: string) =>
    kccCache(sandbox, ["secret-arg-plugin", "get-token", `--oidc-client-secret=${oidc}`, "--password", api], {
      env: {
        ...env,
        KUBE_CREDENTIAL_CACHE_DEBUG: "1",
        KUBE_CREDENTIAL_CACHE_CACHEKEY_ENV_LIST: "KUBE_CREDENTIAL_CACHE_USER,AWS_PROFILE,MY_API_TOKEN",
        MY_API_TOKEN: api,
        AWS_SECRET_ACCESS_KEY: aws,
      },
    });
  const [oidc, api, aws] = secrets as [string, string, string];
  let debugOutput = "";
  const miss = await call(oidc, api, aws);
  assertOk(miss);
  const hit = await call(oidc, api, aws);
  assertOk(hit);
  debugOutput += miss.stderr + hit.stderr;
  assert.equal(hit.stdout, miss.stdout);
  assert.equal(plugin.runs(), 1, "the digested key is stable: the second call is a hit");
  assert.match(miss.stderr, /\bkey: .*sha256:[0-9a-f]{16}/, "the debug key shows digests");

  // A different secret of each kind is a different identity: its own entry, its own plugin run.
  const others = [uniqueSecret("oidc2"), uniqueSecret("api2"), uniqueSecret("aws2")];
  for (const [index, other] of others.entries()) {
    const changed = [oidc, api, aws];
    changed[index] = other;
    const result = await call(...(changed as [string, string, string]));
    assertOk(result);
    debugOutput += result.stderr;
    assert.equal(result.stdout, plugin.output(index + 2), `a new secret (${index}) gets its own credential`);
  }
  assert.equal(plugin.runs(), 4);

  const list = await kccCache(sandbox, ["--list"], { env });
  const json = await kccCache(sandbox, ["--list", "--json"], { env });
  assertOk(list);
  assertOk(json);
  assert.equal((JSON.parse(json.stdout) as unknown[]).length, 4, "four entries");
  const stores = inspect();
  // The keys were written somewhere the scan below reads (the cache file, or the keyring's index).
  assert.notDeepEqual(filesContaining(sandbox.dir, "sha256:"), [], "the stored keys are on disk");
  for (const secret of [...secrets, ...others]) {
    for (const [where, text] of [
      ["--list", list.stdout],
      ["--list --json", json.stdout],
      ["the debug output", debugOutput],
      ["the store's listing", stores],
    ] as const) {
      assert.ok(!text.includes(secret), `${secret} must not appear in ${where}`);
    }
    assert.deepEqual(filesContaining(sandbox.dir, secret), [], `${secret} is in no file`);
  }
}

test("file store: secret flags and variables appear in no key, list, debug line or file", async (t) => {
  const sandbox = useSandbox(t);
  await secretsStayOutOfKeys(sandbox, {}, () => "");
});

test("keyring store: secret flags and variables appear in no key, account name, index or file", async (t) => {
  if (!requireSecretServiceTools(t)) return;
  const world = await useSecretService(t);
  await secretsStayOutOfKeys(world.sandbox, { ...world.env, KUBE_CREDENTIAL_CACHE_BACKEND: "keyring" }, () =>
    world.search(),
  );
});
