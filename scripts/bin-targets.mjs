// The platforms build:bin makes a standalone binary for, and what each is built from. Read by the
// build, and by the bench, which compiles its empty program on the runtime our binary embeds.

// `bun` is bun's name for the platform; `runtime` the npm package of that platform's bun, which
// `bun build --compile` would download itself; `addon` is the napi-rs platform suffix of
// @napi-rs/keyring, where the platform's secret store needs it (docs/secret-store.md). linux-x64 names
// bun's baseline build: it runs on any x86-64 CPU, as the Go original does, where bun's "modern"
// builds need AVX2, which older CPUs and some virtual machines lack (SIGILL at start).
export const BIN_TARGETS = [
  {
    name: "linux-x64",
    bun: "bun-linux-x64-baseline",
    runtime: "bun-linux-x64-baseline",
    addon: undefined,
  },
  { name: "linux-arm64", bun: "bun-linux-arm64", runtime: "bun-linux-aarch64", addon: undefined },
  { name: "darwin-x64", bun: "bun-darwin-x64", runtime: "bun-darwin-x64", addon: "darwin-x64" },
  { name: "darwin-arm64", bun: "bun-darwin-arm64", runtime: "bun-darwin-aarch64", addon: "darwin-arm64" },
  {
    name: "windows-x64",
    bun: "bun-windows-x64",
    runtime: "bun-windows-x64",
    addon: "win32-x64-msvc",
    exe: ".exe",
  },
];
/** @typedef {(typeof BIN_TARGETS)[number]} BinTarget */
