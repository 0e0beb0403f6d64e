import { writeSync } from "./fs.js";

/**
 * What a shell reports for a program killed by SIGPIPE (128 + 13), which is how the Go original ends
 * when its reader goes away (`kcc-cache --list | head -1`).
 */
const READER_GONE_EXIT = 141;

/** Set once a stream's reader has gone (EPIPE): nothing more is written to it. */
const readerGone = { 1: false, 2: false };

/**
 * Writes straight to a file descriptor. Cheaper than waking process.stdout's stream machinery on
 * the hit path, and synchronous, so nothing is lost when the process exits right after.
 * Bytes are written as they are: a plugin's output that is not UTF-8 must reach kubectl unchanged.
 * A reader that has gone is not an error to report: the command finishes its work (a --clear still
 * clears, an in-place edit is still written) and says nothing more there (`exitStatus`).
 */
function writeFd(fd: 1 | 2, text: string | Uint8Array): void {
  if (readerGone[fd]) return;
  const data = typeof text === "string" ? Buffer.from(text) : text;
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") {
        readerGone[fd] = true;
        return;
      }
      // A non-blocking pipe that is full: try again until the reader drains it.
      if (code !== "EAGAIN") throw error;
    }
  }
}

export const writeStdout = (text: string | Uint8Array): void => {
  writeFd(1, text);
};
export const writeStderr = (text: string): void => {
  writeFd(2, text);
};

/**
 * The process's exit status: the command's own, or 141 where it succeeded but its standard output's
 * reader went away before everything was written, so that a pipeline sees the output was cut short.
 */
export function exitStatus(code: number): number {
  return code === 0 && readerGone[1] ? READER_GONE_EXIT : code;
}
