import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";

interface Facts {
  readonly platform: string;
  readonly arch: string;
  readonly userAgent: string | undefined;
  readonly omit: string | undefined;
  readonly include: string | undefined;
}
type Choice = { platformPackage: string } | { platformPackage?: undefined; reason: string | undefined };

// postinstall.cjs is plain Node with no build step (it runs from the installed package), so its pure
// part is required as it ships.
const { chooseRuntime } = createRequire(__filename)("../../postinstall.cjs") as {
  chooseRuntime: (facts: Facts) => Choice;
};

const NPM = "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false";
const LINUX_X64 = "@kube-credential-cache/linux-x64";

/** Whether the install script may put the binary in place of the launchers: the user agents each manager really sent. */
const rows: [string, Partial<Facts>, string | RegExp | undefined][] = [
  // what, facts (default: npm on linux-x64), the platform package, or a pattern of the line printed (undefined: silent)
  ["npm", {}, LINUX_X64],
  ["npm on macOS arm64", { platform: "darwin", arch: "arm64" }, "@kube-credential-cache/darwin-arm64"],
  ["yarn 1", { userAgent: "yarn/1.22.22 npm/? node/v20.20.2 linux x64" }, LINUX_X64],
  ["bun", { userAgent: "bun/1.4.5 npm/? node/v26.3.0 linux x64" }, LINUX_X64],
  [
    "pnpm: its shims run node <file>",
    { userAgent: "pnpm/12.25.1 npm/? node/? linux x64" },
    /^pnpm's shims run bin files through node; for the standalone binary, install with npm/,
  ],
  [
    "yarn 2+: its bin runner runs node <file>",
    { userAgent: "yarn/4.9.1 npm/? node/v20.20.2 linux x64" },
    /^yarn 4\.9\.1 runs bin files through node; /,
  ],
  ["no user agent", { userAgent: undefined }, /^an unknown package manager may run bin files through node; /],
  [
    "another manager",
    { userAgent: "deno/2.1.0 npm/? deno/2.1.0 linux x64" },
    /^deno may run bin files through node; /,
  ],
  ["Windows: no platform package, nothing to say", { platform: "win32" }, undefined],
  [
    "Windows under pnpm: still nothing to say",
    { platform: "win32", userAgent: "pnpm/12.25.1 npm/? node/? win32 x64" },
    undefined,
  ],
  ["a 32-bit CPU", { arch: "ia32" }, undefined],
  ["--omit=optional", { omit: "optional" }, /^--omit=optional asks for no platform package$/],
  ["--omit=dev --omit=optional", { omit: "dev\noptional" }, /^--omit=optional/],
  ["--omit=dev", { omit: "dev" }, LINUX_X64],
  ["--omit=optional --include=optional", { omit: "optional", include: "optional" }, LINUX_X64],
];

for (const [what, facts, expected] of rows) {
  test(`chooseRuntime: ${what}`, () => {
    const choice = chooseRuntime({
      platform: "linux",
      arch: "x64",
      userAgent: NPM,
      omit: undefined,
      include: undefined,
      ...facts,
    });
    if (typeof expected === "string") assert.deepEqual(choice, { platformPackage: expected });
    else if (expected === undefined) assert.deepEqual(choice, { reason: undefined });
    else {
      assert.equal(choice.platformPackage, undefined);
      assert.match((choice as { reason: string }).reason, expected);
    }
  });
}
