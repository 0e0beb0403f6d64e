import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A private temporary world for one test: its own HOME, PATH entries, cache dir and fake AWS keys. */
export interface Sandbox {
  /** Temp root (mkdtemp), removed by cleanup(). */
  readonly dir: string;
  /** <dir>/home, used as HOME; holds .aws/credentials with FAKE keys. */
  readonly home: string;
  /** <dir>/bin, on PATH after KCC_TEST_BIN; writeScript() puts scripts here. */
  readonly binDir: string;
  /** The default cache file kcc-cache uses in this sandbox (XDG_CACHE_HOME=<home>/.cache). */
  readonly cacheFile: string;
  /** A clean environment: nothing of the developer's own kube, AWS or D-Bus setup leaks in. */
  readonly env: Record<string, string>;
  /** Writes an executable file <dir>/bin/<name> (0755) and returns its path. */
  writeScript(name: string, body: string): string;
  cleanup(): void;
}

/** Obviously fake keys: `aws eks get-token` only presigns a URL with them, offline. */
const FAKE_AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const FAKE_AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

export function kccBin(name: "kcc-cache" | "kcc-injector"): string {
  const bin = process.env["KCC_TEST_BIN"];
  if (bin === undefined || bin === "") {
    throw new Error(
      "KCC_TEST_BIN is not set: run the end-to-end tests through `npm test`, which installs the package and sets it",
    );
  }
  return join(bin, name);
}

export function createSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "kcc-e2e-"));
  const home = join(dir, "home");
  const binDir = join(dir, "bin");
  const runtimeDir = join(dir, "run");
  const aws = join(home, ".aws");
  mkdirSync(binDir, { recursive: true });
  mkdirSync(aws, { recursive: true });
  mkdirSync(runtimeDir, { mode: 0o700 });
  chmodSync(runtimeDir, 0o700);
  writeFileSync(
    join(aws, "credentials"),
    `[default]\naws_access_key_id = ${FAKE_AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${FAKE_AWS_SECRET_ACCESS_KEY}\n`,
    { mode: 0o600 },
  );
  writeFileSync(join(aws, "config"), "[default]\nregion = us-east-1\n", { mode: 0o600 });

  const kccDir = process.env["KCC_TEST_BIN"];
  const path = [kccDir, binDir, process.env["PATH"]].filter((part) => part !== undefined && part !== "");
  const env: Record<string, string> = {
    PATH: path.join(":"),
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_RUNTIME_DIR: runtimeDir,
    KUBE_CREDENTIAL_CACHE_BACKEND: "file",
    AWS_CONFIG_FILE: join(aws, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, "credentials"),
    LANG: "C",
  };
  // Needed behind a TLS-intercepting proxy; harmless otherwise.
  const extraCa = process.env["NODE_EXTRA_CA_CERTS"];
  if (extraCa !== undefined && extraCa !== "") env["NODE_EXTRA_CA_CERTS"] = extraCa;
  // pyenv shims (how `aws` is installed on some machines) find their versions through these.
  for (const name of ["PYENV_ROOT", "PYENV_VERSION"]) {
    const value = process.env[name];
    if (value !== undefined && value !== "") env[name] = value;
  }

  return {
    dir,
    home,
    binDir,
    cacheFile: join(home, ".cache", "kube-credential-cache", "cache.json"),
    env,
    writeScript(name, body) {
      const file = join(binDir, name);
      writeFileSync(file, body, { mode: 0o755 });
      chmodSync(file, 0o755);
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
