// A horizontal bar chart of the means, as plain SVG: no charting dependency for one picture.
import type { Timing } from "./hyperfine.js";
import { SECTION_TITLES, type Row, type Section } from "./rows.js";

const LABEL_WIDTH = 380;
const BAR_WIDTH = 420;
const ROW_HEIGHT = 22;
const HEADING_HEIGHT = 30;
const COLORS: Record<Section, string> = {
  kubectl: "#4c78a8",
  credential: "#f58518",
  keyring: "#e45756",
  empty: "#54a24b",
  choices: "#b279a2",
};

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderChart(
  rows: readonly Row[],
  timings: ReadonlyMap<string, Timing>,
  caption: string,
): string {
  const shown = rows.filter((row) => timings.has(row.id));
  const max = Math.max(...shown.map((row) => timings.get(row.id)?.mean ?? 0));
  const parts: string[] = [];
  let y = 36;
  for (const section of Object.keys(SECTION_TITLES) as Section[]) {
    const inSection = shown.filter((row) => row.section === section);
    if (inSection.length === 0) continue;
    const title = SECTION_TITLES[section].replace(/`/g, "");
    parts.push(`<text x="8" y="${y + 18}" font-weight="bold">${escape(title)}</text>`);
    y += HEADING_HEIGHT;
    for (const row of inSection) {
      const mean = timings.get(row.id)?.mean ?? 0;
      const width = Math.max(1, (mean / max) * BAR_WIDTH);
      const mid = y + ROW_HEIGHT / 2 + 4;
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${mid}" text-anchor="end">${escape(row.name)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW_HEIGHT - 6}" fill="${COLORS[section]}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${mid}">${mean.toFixed(mean >= 100 ? 0 : 1)} ms</text>`,
      );
      y += ROW_HEIGHT;
    }
  }
  const height = y + 30;
  const width = LABEL_WIDTH + BAR_WIDTH + 90;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">kcc-cache: mean time per call (ms, lower is better)</text>`,
    ...parts,
    `<text x="8" y="${height - 10}" fill="#555555">${escape(caption)}</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
