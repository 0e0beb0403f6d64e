import assert from "node:assert/strict";
import { test } from "node:test";
import { identityVariables } from "../../src/core/cache/identity-variables.js";

// The rule's edges, name by name (docs/cache-key.md): the words between underscores, empty ones
// skipped; prefixes of one or two words as written; a secret by a word or an adjacent pair of words;
// a configuration location by its last words; a family's presentation settings left out.
test("identityVariables: each part of the rule, at its edges", () => {
  const cases: [string, boolean][] = [
    // Where tools keep their state, by name; any other one-word name only when it is a secret word.
    ["HOME", true],
    ["KUBECACHEDIR", true],
    ["TOKEN", true],
    ["PATH", false],
    ["SHELL", false],
    // Secret words anywhere, empty words skipped; pairs only when adjacent.
    ["GITHUB_TOKEN", true],
    ["A__TOKEN", true],
    ["MY_API_KEY", true],
    ["ACCESS__KEY", true],
    ["PRIVATE_KEY", true],
    ["MY_KEY", false],
    ["API_X_KEY", false],
    ["KEY_API", false],
    // Configuration locations by their last words.
    ["DOCKER_CONFIG", true],
    ["SCW_CONFIG_PATH", true],
    ["X_CONFIG_FILE", true],
    ["CONFIG_FILE", false],
    ["X_CONFIG_NAME", false],
    // Family prefixes of one and two words, matched as written and case by case.
    ["AWS_PROFILE", true],
    ["AWS_", true],
    ["aws_profile", false],
    ["_AWS_PROFILE", false],
    ["GCE_METADATA_HOST", true],
    ["GCE_METADATA", false],
    ["GCE_HOST", false],
    ["ALIBABA_CLOUD_REGION", true],
    ["ALIBABA_REGION", false],
    ["PASSWORD_STORE_DIR", true],
    ["VAULT_ADDR", true],
    // A family's settings that only shape output, by last word or whole name.
    ["AWS_PAGER", false],
    ["AWS_DEFAULT_OUTPUT", false],
    ["VAULT_LOG_LEVEL", false],
    ["AWS_CA_BUNDLE", false],
    ["OS_ACTIVITY_MODE", false],
    ["CLOUDSDK_CORE_DISABLE_PROMPTS", false],
    // …unless a secret or a location says otherwise.
    ["AWS_PAGER_TOKEN", true],
  ];
  for (const [name, picked] of cases)
    assert.deepEqual(identityVariables([name]), picked ? [name] : [], `${name} ${picked ? "in" : "out"}`);
  // Many at once: each judged alone, in the order given.
  const names = cases.map(([name]) => name);
  assert.deepEqual(
    identityVariables(names),
    cases.filter(([, picked]) => picked).map(([name]) => name),
  );
});
