import type { CommandDoc } from "../core/command-doc/command-doc.js";

/** kcc-injector's --help, man page and completion, from this one description (src/core/command-doc/). */
export const INJECTOR_DOC: CommandDoc = {
  name: "kcc-injector",
  usage: "[flags] [kubeconfig...]",
  summary: "route a kubeconfig's exec credential plugins through kcc-cache",
  description: [
    "Points every exec user of a kubeconfig at kcc-cache (the original command moves into args), or undoes that with -r. Comments, key order, quoting and layout are kept; only the lines of the exec entries change. Without a path: the files in $KUBECONFIG, else ~/.kube/config.",
  ],
  operands: "files",
  sections: [
    {
      title: "Flags",
      options: [
        {
          flags: ["-i", "--in-place"],
          text: "edit the file(s) in place (kubectl's lock is taken; the previous content is kept in <file>.kcc-backup); without -i the result goes to stdout and the file is untouched",
        },
        { flags: ["-r", "--restore"], text: "restore the original exec entries" },
        {
          flags: ["-c", "--command"],
          value: "CMD",
          complete: "commands",
          text: 'injection command (default "kcc-cache")',
        },
        { flags: ["--user"], value: "NAME", complete: "users", text: "only this user (repeatable)" },
        { flags: ["--diff"], text: "print a unified diff of the changes instead of the document" },
        {
          flags: ["--completion"],
          value: "SHELL",
          complete: "shells",
          text: "print a completion script for bash, zsh, fish or powershell",
        },
        { flags: ["-h", "--help"], text: "show this help" },
        {
          flags: ["--version"],
          text: "print the version, the runtime (Node or the standalone binary) and the commit",
        },
      ],
    },
    {
      title: "Exit status",
      rows: [
        ["0", "done (or, with --diff, the diff was printed)"],
        ["1", "a kubeconfig could not be read, understood or written; nothing was written"],
        ["2", "usage error"],
        ["141", "stdout's reader went away (| head): the rest was not printed, the files were written"],
      ],
    },
  ],
  examples: [
    ["kcc-injector --diff", "what would change in the kubeconfig kubectl uses"],
    ["kcc-injector -i ~/.kube/config", "inject in place"],
    ["kcc-injector -i -r ~/.kube/config", "restore in place"],
  ],
  seeAlso: ["kcc-cache(1)", "kubectl(1)"],
};
