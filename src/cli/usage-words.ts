import { UsageError } from "../core/errors.js";

/**
 * The words both commands use for a command line they cannot take, so that they speak with one voice:
 * the argument in JSON quotes, and (added where errors are reported, src/cli/report-error.ts) the
 * pointer to the command's --help.
 */
export function unknownOption(arg: string, cause?: unknown): UsageError {
  return new UsageError(`unknown option ${JSON.stringify(arg)}`, { cause });
}

export function missingValue(option: string, example: string): UsageError {
  return new UsageError(`option ${JSON.stringify(option)} needs a value, e.g. ${option} ${example}`);
}
