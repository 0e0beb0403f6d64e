/** What --version says of how the command runs: the runtime, and the platform of a binary. */
export interface RuntimeFacts {
  /** bun's version inside a standalone binary; undefined on Node. */
  readonly bun: string | undefined;
  readonly node: string;
  readonly os: string;
  readonly arch: string;
}

/**
 * `kcc-cache 0.1.0 (standalone binary, linux-x64, commit abc1234)` or `(Node v20.20.2, commit …)`:
 * one line that still starts with `<command> <version>`, which installers and scripts read. The
 * platform is named as the release names its binaries (windows, not win32).
 */
export function versionLine(program: string, version: string, commit: string, facts: RuntimeFacts): string {
  const runtime =
    facts.bun === undefined
      ? `Node ${facts.node}`
      : `standalone binary, ${facts.os === "win32" ? "windows" : facts.os}-${facts.arch}`;
  return `${program} ${version} (${runtime}, commit ${commit})\n`;
}
