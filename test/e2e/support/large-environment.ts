/**
 * A developer's shell, as kubectl passes it on to a plugin: 300 variables the cache key leaves out, of
 * the shapes a shell has (one word, several words, lower case, paths), and TAKEN it takes (a plugin
 * family's prefix). The cache key reads every name on every call (docs/cache-key.md), so this is the
 * environment in which a loop over the names would show (docs/startup.md, "A large environment").
 */
export function largeEnvironment(taken = 20): Record<string, string> {
  const env: Record<string, string> = {};
  for (let n = 0; n < 100; n += 1) {
    env[`TOOL${n}_HOME_DIR_PATH`] = `/opt/tool${n}`;
    env[`SETTING${n}`] = `value ${n}`;
    env[`npm_config_option_${n}`] = "true";
  }
  for (let n = 0; n < taken; n += 1) env[`AWS_SETTING_${n}`] = `value ${n}`;
  return env;
}
