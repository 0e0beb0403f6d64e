// The machine a run came from, printed beside its figures: ratios travel, absolute times do not.
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, release, type as osType } from "node:os";
import { versionOf } from "./tools.js";

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly os: string;
  readonly node: string;
  readonly bun: string | undefined;
  readonly kubectl: string | undefined;
  readonly hyperfine: string;
  readonly extraCa: boolean;
  readonly load: string;
  readonly date: string;
}

export function describeMachine(tools: { bun: string | undefined; kubectl: string | undefined }): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown",
    os: `${prettyName()} (${osType()} ${release()})`,
    node: process.version,
    bun: tools.bun === undefined ? undefined : versionOf(tools.bun),
    kubectl:
      tools.kubectl === undefined
        ? undefined
        : /GitVersion:"?([^",]+)|Client Version: (\S+)/
            .exec(versionOf(tools.kubectl, ["version", "--client"]))
            ?.slice(1)
            .find(Boolean),
    hyperfine: versionOf("hyperfine"),
    extraCa: (process.env["NODE_EXTRA_CA_CERTS"] ?? "") !== "",
    load: readLoad(),
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  };
}

function prettyName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? osType();
  } catch {
    return osType();
  }
}

function readLoad(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}
