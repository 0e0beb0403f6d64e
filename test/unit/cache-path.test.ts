import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultCacheFile, type Platform } from "../../src/core/cache/cache-path.js";

test("the default cache file follows the Go original (os.UserCacheDir)", () => {
  const cases: [string, Platform, string][] = [
    [
      "linux",
      { os: "linux", homedir: "/home/u", env: {} },
      "/home/u/.cache/kube-credential-cache/cache.json",
    ],
    [
      "linux XDG",
      { os: "linux", homedir: "/home/u", env: { XDG_CACHE_HOME: "/x" } },
      "/x/kube-credential-cache/cache.json",
    ],
    [
      "relative XDG",
      { os: "linux", homedir: "/home/u", env: { XDG_CACHE_HOME: "rel" } },
      "/home/u/.cache/kube-credential-cache/cache.json",
    ],
    [
      "macOS",
      { os: "darwin", homedir: "/Users/u", env: {} },
      "/Users/u/Library/Caches/kube-credential-cache/cache.json",
    ],
    [
      "Windows",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" } },
      "C:\\Users\\u\\AppData\\Local\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows without LOCALAPPDATA",
      { os: "win32", homedir: "C:\\Users\\u", env: {} },
      "C:\\Users\\u\\AppData\\Local\\kube-credential-cache\\cache.json",
    ],
    [
      "macOS ignores XDG_CACHE_HOME",
      { os: "darwin", homedir: "/Users/u", env: { XDG_CACHE_HOME: "/x" } },
      "/Users/u/Library/Caches/kube-credential-cache/cache.json",
    ],
    [
      "Windows, LocalAppData as Windows spells it",
      { os: "win32", homedir: "C:\\Users\\u", env: { LocalAppData: "D:\\Local" } },
      "D:\\Local\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows ignores XDG_CACHE_HOME",
      { os: "win32", homedir: "C:\\Users\\u", env: { XDG_CACHE_HOME: "C:\\x", LOCALAPPDATA: "C:\\L" } },
      "C:\\L\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows, LOCALAPPDATA with a trailing backslash",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "C:\\L\\" } },
      "C:\\L\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows, LOCALAPPDATA a drive root",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "D:\\" } },
      "D:\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows, LOCALAPPDATA with forward slashes",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "D:/L" } },
      "D:/L\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows, LOCALAPPDATA on a share",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "\\\\srv\\u" } },
      "\\\\srv\\u\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows, empty LOCALAPPDATA",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "" } },
      "C:\\Users\\u\\AppData\\Local\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows, relative LOCALAPPDATA",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "Local" } },
      "C:\\Users\\u\\AppData\\Local\\kube-credential-cache\\cache.json",
    ],
    [
      "Windows, drive-relative LOCALAPPDATA",
      { os: "win32", homedir: "C:\\Users\\u", env: { LOCALAPPDATA: "C:Local" } },
      "C:\\Users\\u\\AppData\\Local\\kube-credential-cache\\cache.json",
    ],
  ];
  for (const [what, platform, path] of cases) assert.equal(defaultCacheFile(platform), path, what);
});
