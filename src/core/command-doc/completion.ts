import { briefOf, optionsOf, type CommandDoc, type Completion, type OptionDoc } from "./command-doc.js";

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * `<command> --completion <shell>`: a script that completes the command's options, and the values of
 * those that take one. kcc-cache's first word that is not an option is the plugin: it completes as a
 * command, and what follows it as that command's own arguments, by the shell's completion for it.
 * kubeconfig names come from kubectl, asked only when such a value is completed.
 */
export function renderCompletion(doc: CommandDoc, shell: Shell): string {
  const spec = completionSpec(doc);
  switch (shell) {
    case "bash":
      return bashScript(spec);
    case "zsh":
      return zshScript(spec, doc);
    case "fish":
      return fishScript(spec, doc);
    case "powershell":
      return powershellScript(spec);
  }
}

interface CompletionSpec {
  readonly command: string;
  /** A shell-function-safe form of the name: kcc_cache. */
  readonly id: string;
  readonly flags: readonly string[];
  readonly valued: readonly { readonly flag: string; readonly complete: Completion }[];
  readonly managing: readonly string[];
  readonly operands: CommandDoc["operands"];
}

/** The options a shell offers: `--` is typed, not chosen from a list. */
function completable(doc: CommandDoc): OptionDoc[] {
  return optionsOf(doc).filter((option) => !option.flags.includes("--"));
}

function completionSpec(doc: CommandDoc): CompletionSpec {
  const options = completable(doc);
  return {
    command: doc.name,
    id: doc.name.replace(/-/g, "_"),
    flags: options.flatMap((option) => option.flags),
    valued: options.flatMap((option) =>
      option.value === undefined
        ? []
        : option.flags.map((flag) => ({ flag, complete: option.complete ?? "none" })),
    ),
    managing: options.flatMap((option) => (option.managing === true ? option.flags : [])),
    operands: doc.operands,
  };
}

/** What lists kubeconfig names, as kubectl merges them: one name a line. */
const KUBECTL: Partial<Record<Completion, string>> = {
  contexts: "kubectl config get-contexts -o name",
  users: "kubectl config view -o 'jsonpath={range .users[*]}{.name}{\"\\n\"}{end}'",
  clusters: "kubectl config view -o 'jsonpath={range .clusters[*]}{.name}{\"\\n\"}{end}'",
};
const SHELL_WORDS = SHELLS.join(" ");

function bashValues(kind: Completion): string {
  switch (kind) {
    case "shells":
      return `COMPREPLY=($(compgen -W '${SHELL_WORDS}' -- "$cur"))`;
    case "commands":
      return `COMPREPLY=($(compgen -c -- "$cur"))`;
    case "files":
    case "none":
      return `COMPREPLY=($(compgen -f -- "$cur"))`;
    default:
      return `local IFS=$'\\n'; COMPREPLY=($(compgen -W "$(${KUBECTL[kind] ?? "true"} 2>/dev/null)" -- "$cur"))`;
  }
}

function bashScript(spec: CompletionSpec): string {
  const cases = spec.valued.map(({ flag, complete }) => `    ${flag}) ${bashValues(complete)}; return ;;`);
  const valued = spec.valued.map(({ flag }) => flag).join(" ");
  const plugin = spec.operands === "plugin";
  return `# bash completion for ${spec.command}: eval "$(${spec.command} --completion bash)"
_${spec.id}_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} i word skip= managing= start=
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ -n $skip ]]; then skip=; continue; fi
    case " ${spec.managing.join(" ")} " in *" $word "*) managing=1 ;; esac
    case " ${valued} " in *" $word "*) skip=1; continue ;; esac
    if [[ -z $managing && $word == -- ]]; then start=$((i + 1)); break; fi
    ${plugin ? "if [[ -z $managing && $word != -* ]]; then start=$i; break; fi" : "# Files and flags may come in any order: only -- ends the flags."}
  done
  ${
    plugin
      ? `if [[ -n $start ]]; then
    # The plugin and its arguments: the plugin's own completion (bash-completion), else commands then files.
    if ((COMP_CWORD > start)) && declare -F _command_offset >/dev/null; then _command_offset "$start"; return; fi
    if ((COMP_CWORD == start)); then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
    return
  fi`
      : `if [[ -n $start ]]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi`
  }
  if [[ -n $skip ]]; then
    case $prev in
${cases.join("\n")}
    esac
  fi
  if [[ $cur == -* || -n $managing ]]; then COMPREPLY=($(compgen -W '${spec.flags.join(" ")}' -- "$cur")); return; fi
  ${plugin ? `COMPREPLY=($(compgen -c -- "$cur"))` : `COMPREPLY=($(compgen -f -- "$cur"))`}
}
complete -F _${spec.id}_complete ${spec.command}
`;
}

function zshValues(kind: Completion, id: string): string {
  switch (kind) {
    case "shells":
      return `(${SHELL_WORDS})`;
    case "commands":
      return "_command_names -e";
    case "files":
    case "none":
      return "_files";
    default:
      return `_${id}_${kind}`;
  }
}

function zshScript(spec: CompletionSpec, doc: CommandDoc): string {
  const specs = completable(doc).flatMap((option) =>
    option.flags.map((flag) => {
      const brief = briefOf(option).replace(/[[\]:\\']/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));
      const value =
        option.value === undefined
          ? ""
          : `:${option.value.toLowerCase()}:${zshValues(option.complete ?? "none", spec.id)}`;
      return `    '${flag}[${brief}]${value}'`;
    }),
  );
  const lists = (["contexts", "users", "clusters"] as const).map(
    (kind) =>
      `_${spec.id}_${kind}() { local -a names; names=(\${(f)"$(${KUBECTL[kind] ?? "true"} 2>/dev/null)"}); compadd -a names; }`,
  );
  const operands =
    spec.operands === "plugin"
      ? ["    '(-)1:plugin:_command_names -e'", "    '*::plugin arguments:_normal'"]
      : ["    '*:kubeconfig:_files'"];
  return `#compdef ${spec.command}
# zsh completion for ${spec.command}: source <(${spec.command} --completion zsh), after compinit
${lists.join("\n")}
_${spec.id}() {
  _arguments -S \\
${[...specs, ...operands].join(" \\\n")}
}
compdef _${spec.id} ${spec.command}
`;
}

function fishValues(kind: Completion): string {
  switch (kind) {
    case "shells":
      return ` -x -a '${SHELL_WORDS}'`;
    case "commands":
      return " -x -a '(__fish_complete_command)'";
    case "files":
    case "none":
      return " -r -F";
    default:
      return ` -x -a '(${(KUBECTL[kind] ?? "true").replace(/'/g, "\\'")} 2>/dev/null)'`;
  }
}

function fishScript(spec: CompletionSpec, doc: CommandDoc): string {
  const fn = `__${spec.id}_state`;
  const lines = completable(doc).map((option) => {
    const flags = option.flags
      .map((flag) => (flag.startsWith("--") ? ` -l ${flag.slice(2)}` : ` -s ${flag.slice(1)}`))
      .join("");
    const value = option.value === undefined ? "" : fishValues(option.complete ?? "none");
    const brief = briefOf(option).replace(/'/g, "\\'");
    return `complete -c ${spec.command} -n 'not ${fn} operands'${flags}${value} -d '${brief}'`;
  });
  const valuedFlags = spec.valued.map(({ flag }) => flag);
  const valued = valuedFlags.join(" ");
  const cases = [
    {
      flags: valuedFlags.filter((flag) => spec.managing.includes(flag)),
      then: "set skip 1; set state managing",
    },
    { flags: valuedFlags.filter((flag) => !spec.managing.includes(flag)), then: "set skip 1" },
    { flags: spec.managing.filter((flag) => !valuedFlags.includes(flag)), then: "set state managing" },
  ]
    .filter(({ flags }) => flags.length > 0)
    .map(({ flags, then }) => `            case ${flags.join(" ")}\n                ${then}`)
    .join("\n");
  const operands =
    spec.operands === "plugin"
      ? `complete -c ${spec.command} -n '${fn} managing' -f
complete -c ${spec.command} -n 'not ${fn} managing' -x -a '(__${spec.id}_plugin_line)'`
      : `complete -c ${spec.command} -F`;
  const pluginLine =
    spec.operands === "plugin"
      ? `
# The plugin's command line, from the plugin on, completed as if typed alone (fish's own completion of it).
function __${spec.id}_plugin_line
    set -l tokens (commandline -opc) (commandline -ct)
    set -e tokens[1]
    set -l skip 0
    set -l started 0
    while set -q tokens[2]
        if test $skip = 1
            set skip 0
        else if contains -- $tokens[1] ${valued}
            set skip 1
        else if test "$tokens[1]" = --
            set -e tokens[1]
            set started 1
            break
        else if not string match -q -- '-*' $tokens[1]
            set started 1
            break
        end
        set -e tokens[1]
    end
    # Still among kcc-cache's options: the option rules complete those.
    test $started = 0; and string match -q -- '-*' $tokens[-1]; and return
    set -l line (string escape -- $tokens[1..-2]) $tokens[-1]
    complete -C (string join ' ' -- $line)
end`
      : "";
  return `# fish completion for ${spec.command}: ${spec.command} --completion fish | source
# Prints "options" while ${spec.command}'s options may come, "managing" after a management option,
# "operands" once its operands (${spec.operands === "plugin" ? "the plugin command line" : "kubeconfig files"}) have begun.
function ${fn}
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l state options
    set -l skip 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
${cases}
            case --
                set state operands
                break
            case '-*'
${
  spec.operands === "plugin"
    ? `            case '*'
                test $state = managing; or set state operands
                test $state = operands; and break`
    : "            # files and flags come in any order: only -- ends the flags"
}
        end
    end
    contains -- $state $argv
end${pluginLine}
${lines.join("\n")}
${operands}
`;
}

function powershellScript(spec: CompletionSpec): string {
  const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;
  const valued = spec.valued.map(({ flag, complete }) => `${quote(flag)} = ${quote(complete)}`).join("; ");
  // Space-separated: older PowerShell mangles the double quotes a newline separator needs.
  const kubectl = (list: string): string =>
    `(kubectl config view -o 'jsonpath={.${list}[*].name}' 2>$null) -split ' '`;
  return `# PowerShell completion for ${spec.command}: ${spec.command} --completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName ${quote(spec.command)} -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $flags = @(${spec.flags.map(quote).join(", ")})
  $valued = @{ ${valued} }
  $managingFlags = @(${spec.managing.map(quote).join(", ")})
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = @($words | Select-Object -SkipLast 1) }
  $kind = $null; $managing = $false; $operands = $false
  foreach ($word in $words) {
    if ($kind) { $kind = $null; continue }
    if ($managingFlags -contains $word) { $managing = $true }
    if ($valued.ContainsKey($word)) { $kind = $valued[$word]; continue }
    if ($word -eq '--' -or (-not $word.StartsWith('-') -and -not $managing)) { $operands = $true; break }
  }
  # Once the operands begin, nothing is returned: PowerShell then completes paths.
  if ($operands) { return }
  $candidates = switch ($kind) {
    'shells' { '${SHELLS.join("', '")}' }
    'contexts' { ${kubectl("contexts")} }
    'users' { ${kubectl("users")} }
    'clusters' { ${kubectl("clusters")} }
    'commands' { Get-Command -CommandType Application, ExternalScript -Name "$wordToComplete*" -ErrorAction SilentlyContinue | ForEach-Object { $_.Name } }
    'files' { return }
    'none' { return }
    default { ${spec.operands === "plugin" ? `if ($wordToComplete -like '-*' -or $managing) { $flags } else { return }` : "$flags"} }
  }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}
