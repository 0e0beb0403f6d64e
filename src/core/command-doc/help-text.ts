import type { CommandDoc, OptionDoc } from "./command-doc.js";

const WIDTH = 90;

/** `<command> --help`: the usage, the description and each section, wrapped to 90 columns. */
export function renderHelp(doc: CommandDoc): string {
  const lines = [`Usage: ${doc.name} ${doc.usage}`, ""];
  for (const paragraph of doc.description) lines.push(...wrap(paragraph, WIDTH), "");
  for (const section of doc.sections) {
    lines.push(`${section.title}:`);
    const rows = [...(section.options ?? []).map(optionLabel), ...(section.rows ?? [])];
    const column = Math.min(Math.max(...rows.map(([label]) => label.length)) + 4, 44);
    for (const [label, text] of rows) {
      const body = wrap(text, WIDTH - column);
      const first = label.length + 2 <= column - 2 ? (body.shift() ?? "") : "";
      lines.push(`  ${label.padEnd(column - 2)}${first}`.trimEnd());
      for (const line of body) lines.push(`${" ".repeat(column)}${line}`);
    }
    lines.push("");
  }
  if (doc.examples.length > 0) {
    lines.push("Examples:");
    const column = Math.max(...doc.examples.map(([command]) => command.length)) + 4;
    for (const [command, text] of doc.examples) lines.push(`  ${command.padEnd(column - 2)}${text}`);
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** `-h, --help`, `    --user NAME`: long options line up under each other. */
export function optionLabel(option: OptionDoc): readonly [string, string] {
  const short = option.flags.filter((flag) => !flag.startsWith("--"));
  const long = option.flags.filter((flag) => flag.startsWith("--"));
  const flags = short.length === 0 ? `    ${long.join(", ")}` : [...short, ...long].join(", ");
  const value = option.value === undefined ? "" : ` ${option.value}`;
  const operands = option.operands === undefined ? "" : ` ${option.operands}`;
  return [`${flags}${value}${operands}`, option.text];
}

/** Greedy word wrap; a word longer than the width stays whole on its own line. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}
