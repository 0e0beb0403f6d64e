import assert from "node:assert/strict";
import { test } from "node:test";
import { flagName, isSecretName, secretNames } from "../../src/core/cache/secret-name.js";

const SECRET_NAME_CASES: readonly [string, boolean][] = [
  ["AWS_SECRET_ACCESS_KEY", true],
  ["AWS_SESSION_TOKEN", true],
  ["AWS_SECURITY_TOKEN", true],
  ["AWS_ACCESS_KEY_ID", true],
  ["AWS_CONTAINER_AUTHORIZATION_TOKEN", true],
  ["AZURE_CLIENT_SECRET", true],
  ["AZURE_PASSWORD", true],
  ["AAD_USER_PRINCIPAL_PASSWORD", true],
  ["AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE_PASSWORD", true],
  ["CLOUDSDK_AUTH_ACCESS_TOKEN", true],
  ["MY_API_TOKEN", true],
  ["MY_APITOKEN", true],
  ["DB_PASSWD", true],
  ["GPG_PASSPHRASE", true],
  ["GOOGLE_APPLICATION_CREDENTIALS", true],
  ["API_KEY", true],
  ["my_api_token", true],
  ["oidc-client-secret", true],
  ["client-secret", true],
  ["password", true],
  ["token", true],
  ["auth", true],
  ["TEAM_TOKEN_PROFILE", true],
  ["BW_SESSION", true],
  ["OP_SESSION_myteam", true],
  ["MYAPP_SESSION_COOKIE", true],
  ["MYAPP_COOKIE", true],
  // What trails the last word is skipped before it is read.
  ["TOKEN__", true],
  ["SECRET_FILE_", false],
  ["AWS_WEB_IDENTITY_TOKEN_FILE", false],
  ["AWS_SHARED_CREDENTIALS_FILE", false],
  ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", false],
  ["CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", false],
  ["AZURE_FEDERATED_TOKEN_FILE", false],
  ["AZURE_CLIENT_CERTIFICATE_PATH", false],
  ["token-cache-dir", false],
  ["password-file", false],
  ["SECRETS_DIRECTORY", false],
  ["KEY_FILENAME", false],
  ["AWS_PROFILE", false],
  ["AWS_DEFAULT_PROFILE", false],
  ["AWS_REGION", false],
  ["AWS_ROLE_ARN", false],
  ["AZURE_CLIENT_ID", false],
  ["AZURE_CONFIG_DIR", false],
  ["AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE", false],
  ["HOME", false],
  ["cluster-name", false],
  ["", false],
  ["--", false],
];

test("isSecretName: secret words anywhere in the name, unless it names a path", () => {
  for (const [name, secret] of SECRET_NAME_CASES) assert.equal(isSecretName(name), secret, name);
});

test("secretNames: the same answer for each name in one pass, in order, whatever came before it", () => {
  const names = SECRET_NAME_CASES.map(([name]) => name);
  const expected = SECRET_NAME_CASES.map(([, secret]) => secret);
  assert.deepEqual(secretNames(names), expected);
  // Reversed, so that each name follows different ones: nothing of one name's pass carries over.
  assert.deepEqual(secretNames([...names].reverse()), [...expected].reverse());
  assert.deepEqual(secretNames([]), []);
});

test("flagName: the name of a one- or two-dash flag, nothing for other words", () => {
  const cases: [string, string | undefined][] = [
    ["--token", "token"],
    ["--token=abc", "token"],
    ["--token=", "token"],
    ["-token", "token"],
    ["-p", "p"],
    ["--oidc-client-secret=a=b", "oidc-client-secret"],
    ["get-token", undefined],
    ["token", undefined],
    ["--", undefined],
    ["-", undefined],
    ["-5", undefined],
    ["--=x", undefined],
    ["", undefined],
  ];
  for (const [arg, name] of cases) assert.equal(flagName(arg), name, arg);
});
