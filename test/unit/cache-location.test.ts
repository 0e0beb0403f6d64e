import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCacheDocument, serializeCacheDocument } from "../../src/core/cache/cache-document.js";
import {
  isAbsolutePath,
  isWindowsNullDevice,
  judgeCacheContent,
  resolveCacheLocation,
  type CacheLocation,
} from "../../src/core/cache/cache-location.js";
import type { Platform } from "../../src/core/cache/cache-path.js";
import { isKccError } from "../../src/core/errors.js";

const LINUX: Platform = { os: "linux", homedir: "/home/u", env: {} };
const WINDOWS: Platform = { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "C:\\L" } };
const MACOS: Platform = { os: "darwin", homedir: "/Users/u", env: {} };

test("resolveCacheLocation: default or absolute setting; directory and locks beside the file", () => {
  const cases: [string, string | undefined, Platform, Partial<CacheLocation>][] = [
    [
      "default",
      undefined,
      LINUX,
      {
        file: "/home/u/.cache/kube-credential-cache/cache.json",
        directory: "/home/u/.cache/kube-credential-cache",
        locks: "/home/u/.cache/kube-credential-cache/locks",
        isDefault: true,
        dedicatedDirectory: true,
        name: "the cache file /home/u/.cache/kube-credential-cache/cache.json",
      },
    ],
    [
      "the default path set explicitly",
      "/home/u/.cache/kube-credential-cache/cache.json",
      LINUX,
      {
        isDefault: true,
        name: 'KUBE_CREDENTIAL_CACHE_FILE="/home/u/.cache/kube-credential-cache/cache.json"',
      },
    ],
    [
      "custom",
      "/srv/c.json",
      LINUX,
      { directory: "/srv", locks: "/srv/locks", isDefault: false, dedicatedDirectory: false },
    ],
    [
      "custom, in a directory named after kcc-cache",
      "/srv/kube-credential-cache/creds.json",
      LINUX,
      { isDefault: false, dedicatedDirectory: true },
    ],
    [
      "a directory merely ending in the name",
      "/srv/my-kube-credential-cache/c.json",
      LINUX,
      { dedicatedDirectory: false },
    ],
    ["in the root directory", "/c.json", LINUX, { directory: "/", locks: "/locks" }],
    [
      "Windows default",
      undefined,
      WINDOWS,
      {
        directory: "C:\\L\\kube-credential-cache",
        locks: "C:\\L\\kube-credential-cache\\locks",
        dedicatedDirectory: true,
      },
    ],
    ["Windows drive root", "D:\\c.json", WINDOWS, { directory: "D:\\", locks: "D:\\locks" }],
    ["Windows forward slashes", "D:/x/c.json", WINDOWS, { directory: "D:/x" }],
    ["Windows drive root, forward slash", "D:/c.json", WINDOWS, { directory: "D:/", locks: "D:/locks" }],
    [
      "Windows share",
      "\\\\srv\\share\\c.json",
      WINDOWS,
      { directory: "\\\\srv\\share", locks: "\\\\srv\\share\\locks", isDefault: false },
    ],
    ["Windows NUL: caching off, accepted though relative", "NUL", WINDOWS, { file: "NUL", isDefault: false }],
    ["Windows nul in lower case", "nul", WINDOWS, { file: "nul" }],
    ["Windows \\\\.\\NUL", "\\\\.\\NUL", WINDOWS, { file: "\\\\.\\NUL" }],
    [
      "Windows default, LocalAppData",
      undefined,
      { ...WINDOWS, env: { LocalAppData: "E:\\A" } },
      { file: "E:\\A\\kube-credential-cache\\cache.json", isDefault: true },
    ],
    [
      "macOS default",
      undefined,
      MACOS,
      {
        file: "/Users/u/Library/Caches/kube-credential-cache/cache.json",
        directory: "/Users/u/Library/Caches/kube-credential-cache",
        locks: "/Users/u/Library/Caches/kube-credential-cache/locks",
        isDefault: true,
      },
    ],
    ["macOS custom", "/Volumes/x/c.json", MACOS, { directory: "/Volumes/x", isDefault: false }],
  ];
  for (const [what, setting, platform, expected] of cases) {
    const location = resolveCacheLocation(setting, platform);
    for (const [field, value] of Object.entries(expected))
      assert.equal(location[field as keyof CacheLocation], value, `${what}: ${field}`);
  }
});

test("resolveCacheLocation: a relative path is a configuration error naming the variable", () => {
  for (const [setting, platform] of [
    ["cache.json", LINUX],
    ["./c/cache.json", LINUX],
    ["~/.cache/c.json", LINUX],
    ["C:\\x\\c.json", LINUX],
    ["x\\c.json", WINDOWS],
    ["/x/c.json", WINDOWS],
    ["\\x\\c.json", WINDOWS],
    ["C:c.json", WINDOWS],
    ["~\\c.json", WINDOWS],
    ["%LOCALAPPDATA%\\c.json", WINDOWS],
    ["NUL", LINUX],
    ["NUL.json", WINDOWS],
    ["c.json", MACOS],
    ["~/Library/c.json", MACOS],
  ] as const) {
    assert.throws(
      () => resolveCacheLocation(setting, platform),
      (error: unknown) =>
        isKccError(error) && error.exitCode === 2 && error.message.includes("KUBE_CREDENTIAL_CACHE_FILE"),
      setting,
    );
  }
});

test("judgeCacheContent: anything at the default path is ours; elsewhere only our own formats", () => {
  const ours = serializeCacheDocument({ entries: new Map() });
  const cases: [string, string, boolean, "use" | "refuse" | "newer", boolean][] = [
    // what, text, at the default path, verdict, with a warning
    ["ours", ours, false, "use", false],
    ["empty", "", false, "use", false],
    ["ours, truncated", ours.slice(0, 12), false, "use", true],
    ["ours compact, truncated", '{"kcc":1,"entries":{"k', false, "use", true],
    ["the Go original's, default path", '{"credentials":{}}', true, "use", false],
    ["the Go original's, elsewhere", '{"credentials":{}}', false, "refuse", false],
    ["other JSON, default path", '{"auths":{}}', true, "use", true],
    ["other JSON, elsewhere", '{"auths":{}}', false, "refuse", false],
    ["a kubeconfig, elsewhere", "apiVersion: v1\nkind: Config\n", false, "refuse", false],
    ["garbage, default path", "\u0000{{", true, "use", true],
    ["a JSON array, elsewhere", "[1]", false, "refuse", false],
    // A later kcc-cache's file is left alone wherever it is: neither rebuilt nor refused.
    ["kcc 2 (a newer format), default path", '{"kcc":2}', true, "newer", false],
    ["kcc 2 (a newer format), elsewhere", '{"kcc":2}', false, "newer", false],
  ];
  for (const [what, text, isDefault, kind, warns] of cases) {
    const location = { ...resolveCacheLocation(isDefault ? undefined : "/x/c.json", LINUX) };
    const verdict = judgeCacheContent(parseCacheDocument(text), location);
    assert.equal(verdict.kind, kind, what);
    assert.equal(verdict.kind === "use" && verdict.warning !== undefined, warns, what);
    if (verdict.kind === "use") assert.equal(verdict.document.entries.size, 0, what);
  }
});

test("a warning about a broken file never quotes what the file holds", () => {
  const secret = "tok-3f9a-secret";
  const location = resolveCacheLocation(undefined, LINUX);
  for (const text of [`{"kcc":1,"entries":{"k":{"credential":"${secret}`, `${secret}\nline two`]) {
    const verdict = judgeCacheContent(parseCacheDocument(text), location);
    assert.ok(verdict.kind === "use" && verdict.warning !== undefined);
    assert.ok(!verdict.warning.includes(secret), verdict.warning);
    assert.ok(!verdict.warning.includes("\n"), "one line");
  }
});

test("isAbsolutePath: a root on POSIX; a drive with a root or a share on Windows", () => {
  const cases: [string, NodeJS.Platform, boolean][] = [
    ["/x", "linux", true],
    ["/x", "darwin", true],
    ["C:\\x", "darwin", false],
    ["C:\\x", "win32", true],
    ["c:/x", "win32", true],
    ["D:\\", "win32", true],
    ["\\\\srv\\share\\x", "win32", true],
    ["//srv/share/x", "win32", true],
    ["C:x", "win32", false],
    ["\\x", "win32", false],
    ["/x", "win32", false],
    ["x", "win32", false],
  ];
  for (const [path, os, absolute] of cases) assert.equal(isAbsolutePath(path, os), absolute, `${os} ${path}`);
});

test("isWindowsNullDevice: the names of NUL, nothing else", () => {
  const cases: [string, boolean][] = [
    ["NUL", true],
    ["nul", true],
    ["Nul", true],
    ["NUL:", true],
    ["\\\\.\\NUL", true],
    ["\\\\.\\nul", true],
    ["\\\\?\\NUL", true],
    ["NULL", false],
    ["NUL.json", false],
    ["C:\\NUL", false],
    ["/dev/null", false],
    ["\\\\.\\NULx", false],
    ["\\\\srv\\NUL", false],
    ["", false],
  ];
  for (const [path, isNull] of cases) assert.equal(isWindowsNullDevice(path), isNull, path);
});
