/**
 * Go's time.ParseDuration syntax ("30s", "1h30m", "1.5h", "500ms", "-2m", "0"), because users
 * of the Go original already have such values in their KUBE_CREDENTIAL_CACHE_* variables.
 * Returns milliseconds, or undefined when the text is not a Go duration, including one beyond Go's
 * range (a signed 64-bit count of nanoseconds, about 292 years), which Go refuses as invalid.
 * Counted in exact nanoseconds, so the limit falls where Go's does.
 *
 * The units' table is built on first use: a hit parses no duration unless one is configured, and a
 * table made as the module loads costs every hit heap blocks (docs/startup.md, "The heap's warm-up
 * thread").
 */
let unitTable: Readonly<Record<string, bigint>> | undefined;
const nanosecondsPer = (): Readonly<Record<string, bigint>> =>
  (unitTable ??= {
    ns: 1n,
    us: 1_000n,
    "\u00b5s": 1_000n, // micro sign
    "\u03bcs": 1_000n, // Greek mu
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
  });

/**
 * 2^63 - 1: 2562047h47m16.854775807s; a negative duration may reach one nanosecond further, as in Go.
 * Written out: this module loads on every hit, which parses no duration unless one is configured, and
 * neither BigInt arithmetic nor a regular expression is built at load (docs/startup.md).
 */
const MAX_NS = 9_223_372_036_854_775_807n;

/** Built on the first parse (see MAX_NS). */
let term: RegExp | undefined;

export function parseDuration(text: string): number | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-");
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return undefined;
  let total = 0n;
  while (rest !== "") {
    const match = (term ??= /^(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/).exec(rest);
    if (!match) return undefined;
    const [whole, integer = "", fraction = "", unit = ""] = match;
    if (integer === "" && fraction === "") return undefined;
    const unitNs = nanosecondsPer()[unit] ?? 0n;
    // Go truncates a fraction to whole nanoseconds.
    const fractionNs = fraction === "" ? 0n : (BigInt(fraction) * unitNs) / 10n ** BigInt(fraction.length);
    total += BigInt(integer === "" ? "0" : integer) * unitNs + fractionNs;
    if (total > MAX_NS + (negative ? 1n : 0n)) return undefined;
    rest = rest.slice(whole.length);
  }
  const ms = Number(total) / 1e6;
  return negative ? -ms : ms;
}

/** Human form for debug output and listings: "14m59s", "1h0m0s", "450ms". */
export function formatDuration(ms: number): string {
  const negative = ms < 0;
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${negative ? "-" : ""}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const text =
    hours > 0 ? `${hours}h${minutes}m${seconds}s` : minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
  return negative ? `-${text}` : text;
}
