import { writeSync } from "./fs.js";

/**
 * Writes straight to a file descriptor. Cheaper than waking process.stdout's stream machinery on
 * the hit path, and synchronous, so nothing is lost when the process exits right after.
 */
/** Bytes are written as they are: a plugin's output that is not UTF-8 must reach kubectl unchanged. */
function writeFd(fd: 1 | 2, text: string | Uint8Array): void {
  const data = typeof text === "string" ? Buffer.from(text) : text;
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      // A non-blocking pipe that is full: try again until the reader drains it.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

export const writeStdout = (text: string | Uint8Array): void => {
  writeFd(1, text);
};
export const writeStderr = (text: string): void => {
  writeFd(2, text);
};
