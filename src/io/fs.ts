// The one way src/ reaches node:fs. The Linux binaries build this module as src/io/libc-fs/node-fs.ts
// instead (scripts/build-bin.mjs), where a cache hit's calls go straight to libc and spare it bun's
// node:fs (docs/startup.md, "node:fs on the Linux binaries"). bun's bundler lets no plugin redirect a
// builtin module, hence this indirection; lint keeps it the only importer of node:fs in src/. Each
// name is listed (bun's bundler loses names passed on by `export *` from a builtin module).
export {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
export type { BigIntStats, Stats } from "node:fs";
