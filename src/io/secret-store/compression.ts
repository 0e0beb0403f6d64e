import type { Compression } from "../../core/store/secret-chunks.js";

/**
 * node:zlib for split secret-store entries (core/store/secret-chunks.ts), loaded on first use: most
 * entries are stored whole, and loading node:zlib (with the stream modules it pulls in) would cost
 * every keyring hit several milliseconds and megabytes (docs/startup.md).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlib = (): typeof import("node:zlib") => require("node:zlib") as typeof import("node:zlib");

export const zlibCompression: Compression = {
  deflateToBase64: (text) =>
    zlib().deflateRawSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64"),
  inflateFromBase64: (packed) => zlib().inflateRawSync(Buffer.from(packed, "base64")).toString("utf8"),
};
