import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stderrLines, type CacheResult } from "./kcc-cache.js";

/**
 * How kcc-cache fails and what its usage flags print, the same from the installed command as from
 * runCache: the in-process tables and the end-to-end cases both assert with these.
 */

/** Exit 127, nothing on stdout, and one line saying that `command` was not found. */
export function assertPluginNotFound(result: CacheResult, command: string): void {
  assert.equal(result.code, 127);
  assert.equal(result.stdout, "");
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", /not found/);
  assert.ok(lines[0]?.includes(command), "the message names the missing command");
}

/** Exit 127, and the one line blames the #! interpreter /nonexistent/sh, not the plugin. */
export function assertInterpreterMissing(result: CacheResult): void {
  assert.equal(result.code, 127, "as a shell reports it");
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", /interpreter \/nonexistent\/sh was not found/);
  assert.doesNotMatch(lines[0] ?? "", /plugin "[^"]*" was not found/, "the plugin itself is there");
}

/** Exit 2, nothing on stdout, one line naming the setting `name`, and the plugin never ran. */
export function assertInvalidSetting(result: CacheResult, name: string, pluginRuns: number): void {
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.ok(lines[0]?.includes(name), `the line names ${name}: ${lines[0] ?? ""}`);
  assert.equal(pluginRuns, 0);
}

/**
 * A plugin stopped for printing more than 64 MiB: exit 126, nothing on stdout, one line naming it and
 * saying how it was stopped (`outcome`, the end of the line), and nothing of it in the cache file.
 */
export function assertStoppedPastOutputLimit(
  result: CacheResult,
  command: string,
  outcome: RegExp,
  cacheFile: string,
): void {
  assert.equal(result.code, 126, result.stderr);
  assert.equal(result.stdout, "", "nothing of it reaches kubectl");
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  const prefix = `kcc-cache: credential plugin ${JSON.stringify(command)} printed more than 64 MiB on stdout, more than any credential; `;
  assert.ok(lines[0]?.startsWith(prefix), lines[0]);
  assert.match(lines[0] ?? "", outcome);
  const entries = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, "utf8")) as { entries?: object }).entries
    : undefined;
  assert.deepEqual(Object.keys(entries ?? {}), [], "nothing cached");
}

/** -h or --help: the usage and the settings on stdout, exit 0, nothing on stderr. */
export function assertHelpPrinted(result: CacheResult): void {
  assert.equal(result.code, 0);
  assert.match(result.stdout, /Usage: kcc-cache/);
  assert.match(result.stdout, /KUBE_CREDENTIAL_CACHE_REFRESH_MARGIN/);
  assert.equal(result.stderr, "");
}

/**
 * --version: exit 0 and one line, `kcc-cache <version> (<runtime>, commit <commit>)`, the version in
 * package.json first, as installers read it; the runtime is the binary under KCC_TEST_TARGET=binary
 * (CI runs the linux-x64 binary).
 */
export function assertPackageVersion(result: CacheResult): void {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
    version: string;
  };
  assert.equal(result.code, 0);
  // Only a process run has a signal: in-process, kcc-cache runs on this Node whatever the target.
  const binary = process.env["KCC_TEST_TARGET"] === "binary" && "signal" in result;
  const runtime = binary ? "standalone binary, linux-x64" : "Node v[0-9.]+";
  assert.match(
    result.stdout,
    new RegExp(
      `^kcc-cache ${pkg.version.replace(/\./g, "\\.")} \\(${runtime}, commit ([0-9a-f]{7,}|unknown)\\)\n$`,
    ),
  );
}
