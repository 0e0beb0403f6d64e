import { dirname } from "node:path";
import type { Env } from "../core/config.js";
import { KubeconfigError, UsageError } from "../core/errors.js";
import { type EditResult, injectKubeconfig, restoreKubeconfig } from "../core/kubeconfig/edits.js";
import { unifiedDiff } from "../core/kubeconfig/unified-diff.js";
import { messageLine } from "../core/report-line.js";
import {
  BACKUP_SUFFIX,
  readKubeconfigFile,
  resolveKubeconfigPaths,
  writeKubeconfigFiles,
} from "../io/kubeconfig/kubeconfig-files.js";

export interface EditRequest {
  readonly mode: "inject" | "restore";
  /** Files named on the command line; none means the ones kubectl would use. */
  readonly paths: readonly string[];
  readonly inPlace: boolean;
  readonly diff: boolean;
  readonly injectionCommand: string;
  /** --user names; none means every user. */
  readonly users: readonly string[];
}

export interface InjectorRuntime {
  readonly env: Env;
  readonly cwd: string;
  readonly home: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/**
 * kcc-injector: read every file, plan every edit (pure core), and only then show or write. Any file
 * that cannot be read or understood stops everything before a single byte is written.
 */
export function editKubeconfig(request: EditRequest, runtime: InjectorRuntime): number {
  const paths = resolveKubeconfigPaths(request.paths, runtime.env, runtime.home, runtime.cwd);
  if (paths.length > 1 && !request.inPlace && !request.diff) {
    throw new UsageError(
      `${paths.length} kubeconfig files (${paths.join(", ")}): use -i to edit them in place, or --diff to see the changes`,
    );
  }
  const files = paths.map(readKubeconfigFile);
  const users = request.users.length === 0 ? undefined : new Set(request.users);
  const edit = request.mode === "inject" ? injectKubeconfig : restoreKubeconfig;
  const results = files.map((file) =>
    edit(file.text, {
      label: file.path,
      injectionCommand: request.injectionCommand,
      users,
      // kubectl resolves relative commands against the directory of the path it was given.
      baseDirectory: dirname(file.path),
    }),
  );
  const known = new Set(results.flatMap((result) => result.userNames));
  const unknown = request.users.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new KubeconfigError(
      `no user named ${unknown.map((name) => JSON.stringify(name)).join(", ")} in ${paths.join(", ")}`,
    );
  }

  const changes = files.flatMap((file, index) => {
    const result = results[index];
    return result === undefined || result.text === file.text ? [] : [{ file, text: result.text, result }];
  });
  if (request.diff) {
    for (const { file, text } of changes) runtime.stdout(unifiedDiff(file.text, text, file.path, file.path));
  } else if (!request.inPlace) {
    runtime.stdout(results[0]?.text ?? "");
  }
  if (!request.inPlace) return 0;
  writeKubeconfigFiles(changes);
  for (const [index, file] of files.entries()) {
    const result = results[index];
    if (result === undefined) continue;
    const changed = changes.some((change) => change.file === file);
    runtime.stderr(
      messageLine(
        "kcc-injector",
        `${file.path}: ${summary(result, request.mode)}${changed ? ` (previous content in ${file.path}${BACKUP_SUFFIX})` : ""}`,
      ),
    );
  }
  return 0;
}

function summary(result: EditResult, mode: EditRequest["mode"]): string {
  const done = result.users.filter((user) => user.action === (mode === "inject" ? "injected" : "restored"));
  if (done.length === 0) return "nothing to change";
  const names = done.map((user) => user.name).join(", ");
  return `${mode === "inject" ? "injected" : "restored"} ${names}`;
}
