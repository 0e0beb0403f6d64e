import type { CommandDoc } from "./command-doc.js";
import { optionLabel } from "./help-text.js";

/**
 * The command's man page (section 1, man(7) macros), from the same description as its --help. No
 * date: the page of one version is the same whenever it is built.
 */
export function renderManPage(doc: CommandDoc, version: string): string {
  const lines = [
    `.TH ${doc.name.toUpperCase()} 1 "" "kube-credential-cache ${version}" "User Commands"`,
    ".SH NAME",
    `${doc.name} \\- ${text(doc.summary)}`,
    ".SH SYNOPSIS",
    `.B ${doc.name}`,
    text(doc.usage),
    ".SH DESCRIPTION",
  ];
  doc.description.forEach((paragraph, index) => {
    if (index > 0) lines.push(".PP");
    lines.push(text(paragraph));
  });
  for (const section of doc.sections) {
    lines.push(`.SH ${text(section.title.toUpperCase())}`);
    for (const option of section.options ?? [])
      lines.push(".TP", `.B ${text(optionLabel(option)[0].trim())}`, text(option.text));
    for (const [name, body] of section.rows ?? []) lines.push(".TP", `.B ${text(name)}`, text(body));
  }
  if (doc.examples.length > 0) {
    lines.push(".SH EXAMPLES");
    for (const [command, body] of doc.examples) lines.push(".TP", `.B ${text(command)}`, text(body));
  }
  lines.push(".SH SEE ALSO");
  doc.seeAlso.forEach((page, index) => {
    const comma = index < doc.seeAlso.length - 1 ? "," : "";
    lines.push(`.BR ${page.replace(/\((\d)\)$/, " ($1)")}${comma}`);
  });
  return `${lines.join("\n")}\n`;
}

/**
 * Text as roff reads it literally: backslashes escaped, `-` as a real minus (options are typed), and
 * a line that would start with `.` or `'` (a request) guarded.
 */
function text(value: string): string {
  const escaped = value.replace(/\\/g, "\\e").replace(/-/g, "\\-");
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}
