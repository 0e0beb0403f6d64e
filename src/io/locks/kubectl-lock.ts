import { closeSync, constants, openSync, unlinkSync } from "../fs.js";
import { LockError, errorSummary } from "../../core/errors.js";

/**
 * kubectl's own lock on a kubeconfig (docs/protocol.md, kubeconfig): `<file>.lock` created with
 * O_CREAT|O_EXCL and mode 0 before it writes, removed after. Taking the same lock keeps kubectl and
 * kcc-injector from writing the file at the same time. Like kubectl, fail at once when it is held:
 * a lock left by a crashed kubectl blocks kubectl too, and only the user can tell it is stale.
 */
export function acquireKubectlLock(file: string): () => void {
  const path = `${file}.lock`;
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      throw new LockError(
        `${path} exists: kubectl or another kcc-injector is editing ${file}; if none is running, remove the lock file and retry`,
        { cause: error },
      );
    }
    throw new LockError(`cannot create ${path}: ${errorSummary(error)}`, { cause: error });
  }
  closeSync(fd);
  return () => {
    try {
      unlinkSync(path);
    } catch {
      // Already removed by hand: nothing left to release.
    }
  };
}
