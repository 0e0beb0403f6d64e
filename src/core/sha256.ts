/**
 * SHA-256 (FIPS 180-4). The cache key digests large cluster values and secrets, and names each key's
 * lock and last-served marker by a digest, so a hit hashes once or twice. In the standalone binary,
 * bun's native hasher does it: the plain TypeScript below runs in the interpreter at start-up and cost
 * a binary hit about 4 ms (docs/startup.md). On Node the plain TypeScript is used, because loading
 * node:crypto costs more than hashing a few hundred bytes here. Measured on 2026-12-06 with hyperfine
 * (one run, 100 and 60 samples, a loaded 2-core machine), loading dist/kcc-cache.cjs and then hashing
 * 300 bytes through node:crypto against loading it alone: +5.5 ms user and +6.5 ms system CPU without
 * NODE_EXTRA_CA_CERTS, +10 ms user with it. `npm run bench` keeps the two side by side ("Why a module
 * is hand-written").
 */
/**
 * The round constants, made on first use: a table built at load would cost every binary hit, which
 * never hashes here, about 0.1 MiB of peak memory (docs/startup.md, "Builtins a hit compiles").
 */
let roundConstants: Uint32Array | undefined;
const constants = (): Uint32Array =>
  (roundConstants ??= new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]));

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** bun's global, present only when kcc-cache runs on bun (the standalone binaries). */
type BunGlobal = {
  readonly Bun?: {
    readonly SHA256: { hash(input: string, encoding: "hex"): string };
  };
};

export function sha256Hex(text: string): string {
  return sha256HexEach([text])[0] as string;
}

/**
 * The digests of TEXTS, in order, in one call: the cache key digests the value of every secret-named
 * variable it takes, and a call per value would pass the JIT's threshold at a few dozen of them, where
 * a loop turn per value does not (docs/startup.md, "Many names taken").
 */
export function sha256HexEach(texts: readonly string[]): string[] {
  const hexes: string[] = [];
  // Not even asked for with nothing to digest: bun makes its SHA-256 class when it is first named.
  if (texts.length === 0) return hexes;
  // The one-shot function of bun's SHA-256 class: no hasher object to create, and none of the
  // algorithm lookup that Bun.CryptoHasher does, 0.1 MiB less peak memory in a binary.
  const native = (globalThis as BunGlobal).Bun?.SHA256;
  for (const text of texts)
    hexes.push(native === undefined ? sha256HexPortable(text) : native.hash(text, "hex"));
  return hexes;
}

/** The same digest in plain TypeScript, for runtimes without a native hasher in reach. */
export function sha256HexPortable(text: string): string {
  const message = new TextEncoder().encode(text);
  // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian number, to a multiple of 64 bytes.
  const length = Math.ceil((message.length + 9) / 64) * 64;
  const padded = new Uint8Array(length);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(length - 8, Math.floor((message.length * 8) / 2 ** 32));
  view.setUint32(length - 4, (message.length * 8) >>> 0);

  const hash = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const K = constants();
  for (let block = 0; block < length; block += 64) {
    for (let t = 0; t < 16; t += 1) w[t] = view.getUint32(block + t * 4);
    for (let t = 16; t < 64; t += 1) {
      const w15 = w[t - 15] ?? 0;
      const w2 = w[t - 2] ?? 0;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      w[t] = ((w[t - 16] ?? 0) + s0 + (w[t - 7] ?? 0) + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = hash as unknown as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    for (let t = 0; t < 64; t += 1) {
      const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const choice = (e & f) ^ (~e & g);
      const temp1 = (h + s1 + choice + (K[t] ?? 0) + (w[t] ?? 0)) >>> 0;
      const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const majority = (a & b) ^ (a & c) ^ (b & c);
      const temp2 = (s0 + majority) >>> 0;
      h = g;
      g = f;
      f = e;
      e = (d + temp1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (temp1 + temp2) >>> 0;
    }
    const next = [a, b, c, d, e, f, g, h];
    for (let i = 0; i < 8; i += 1) hash[i] = ((hash[i] ?? 0) + (next[i] ?? 0)) >>> 0;
  }
  return Array.from(hash, (word) => word.toString(16).padStart(8, "0")).join("");
}
