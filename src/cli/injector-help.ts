export const INJECTOR_HELP = `Usage: kcc-injector [flags] [kubeconfig...]

Points every exec user of a kubeconfig at kcc-cache (the original command moves into args),
or undoes that with -r. Comments, key order, quoting and layout are kept; only the lines of
the exec entries change. Without a path: the files in $KUBECONFIG, else ~/.kube/config.

Flags:
  -i, --in-place     edit the file(s) in place (kubectl's lock is taken; the previous
                     content is kept in <file>.kcc-backup); without -i the result goes
                     to stdout and the file is untouched
  -r, --restore      restore the original exec entries
  -c, --command CMD  injection command (default "kcc-cache")
      --user NAME    only this user (repeatable)
      --diff         print a unified diff of the changes instead of the document
  -h, --help         show this help
      --version      print the version

Examples:
  kcc-injector --diff                 what would change in the kubeconfig kubectl uses
  kcc-injector -i ~/.kube/config      inject in place
  kcc-injector -i -r ~/.kube/config   restore in place
`;
