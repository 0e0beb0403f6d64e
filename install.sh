#!/bin/sh
# Installs kcc-cache and kcc-injector from a kube-credential-cache release:
#
#   sh install.sh [--version V] [DIR]
#
# Picks the archive for this machine (uname -s / uname -m), downloads it and checksums.txt, refuses it
# unless its sha256 is listed there and matches, and puts both commands into DIR (default
# ~/.local/bin), each under a temporary name first and then renamed, so DIR never holds one new command
# beside an old or missing other. Without --version it installs the newest release.
# KUBE_CREDENTIAL_CACHE_RELEASE_URL replaces the releases page below (assets are found at
# <url>/download/v<V>/<asset>, the newest at <url>/latest/download/<asset>).
#
# The asdf plugin (bin/ and lib/ of this repository) sources this file for its functions and its
# default URL; kcc_install_library=1 before sourcing keeps the last line from running an install.
set -eu

# The one place the releases page is written down; the asdf plugin and a unit test read it from here.
DEFAULT_RELEASE_URL=https://github.com/kube-credential-cache-ts/kube-credential-cache/releases

KCC_PROJECT=kube-credential-cache
KCC_COMMANDS="kcc-cache kcc-injector"
# Set by kcc_fail's callers' context: which program the one-line errors are from.
kcc_program=${kcc_program:-install.sh}

kcc_fail() {
  printf '%s: %s\n' "$kcc_program" "$*" >&2
  exit 1
}

kcc_release_url() {
  url=${KUBE_CREDENTIAL_CACHE_RELEASE_URL:-$DEFAULT_RELEASE_URL}
  case $url in
    https://?* | http://?*) ;;
    *) kcc_fail "KUBE_CREDENTIAL_CACHE_RELEASE_URL \"$url\" is not an http(s) URL" ;;
  esac
  # No trailing slash, so that joining paths gives one slash.
  while :; do
    case $url in
      */) url=${url%/} ;;
      *) break ;;
    esac
  done
  printf '%s\n' "$url"
}

# The archive name for this machine, as the release step names it: kube-credential-cache_Linux_x86_64.tar.gz
kcc_asset_name() {
  os=$(uname -s)
  arch=$(uname -m)
  case $os in
    Linux | Darwin) ;;
    MINGW* | MSYS* | CYGWIN* | Windows*)
      kcc_fail "Windows is not supported by this script; use Scoop or the .zip from the releases page" ;;
    *) kcc_fail "no kube-credential-cache build for the OS \"$os\" (Linux and Darwin only)" ;;
  esac
  case $arch in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) kcc_fail "no kube-credential-cache build for the architecture \"$arch\" (x86_64 and arm64 only)" ;;
  esac
  printf '%s_%s_%s.tar.gz\n' "$KCC_PROJECT" "$os" "$arch"
}

# A version as the tags spell it without their v: 1.2.3, 1.2.3-rc.1.
kcc_check_version() {
  case $1 in
    '' | *[!0-9A-Za-z.+-]* | [!0-9]* | *..*) kcc_fail "\"$1\" is not a version (expected e.g. 1.2.3)" ;;
  esac
}

# Where one asset of a version (or of the newest release, for "latest") is downloaded from.
kcc_asset_url() {
  if [ "$2" = latest ]; then
    printf '%s/latest/download/%s\n' "$(kcc_release_url)" "$1"
  else
    printf '%s/download/v%s/%s\n' "$(kcc_release_url)" "$2" "$1"
  fi
}

# kcc_fetch URL FILE: with curl or wget, whichever is here; redirects are followed (GitHub's latest/
# and its asset downloads redirect), and an HTTP error is a failure, not a saved error page.
kcc_fetch() {
  if command -v curl >/dev/null 2>&1; then
    why=$(curl --fail --silent --show-error --location --proto '=https,http' --output "$2" "$1" 2>&1) ||
      kcc_fail "cannot download $1: $(printf '%s\n' "$why" | tail -n 1)"
  elif command -v wget >/dev/null 2>&1; then
    why=$(wget --no-verbose --output-document="$2" "$1" 2>&1) ||
      kcc_fail "cannot download $1: $(printf '%s\n' "$why" | tail -n 1)"
  else
    kcc_fail "neither curl nor wget is installed; one of them is needed to download"
  fi
}

kcc_sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    kcc_fail "neither sha256sum nor shasum is installed; one of them is needed to check the download"
  fi
}

# kcc_verify ARCHIVE CHECKSUMS: the archive's sha256 must be the one checksums.txt lists for its name
# (`<hex>  <name>`, as goreleaser and `npm run release` write it). Checked before anything is unpacked.
kcc_verify() {
  name=${1##*/}
  expected=$(awk -v name="$name" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$2")
  [ -n "$expected" ] || kcc_fail "checksums.txt lists no sha256 for $name; nothing installed"
  actual=$(kcc_sha256 "$1")
  [ "$actual" = "$expected" ] ||
    kcc_fail "$name does not match its sha256 in checksums.txt (expected $expected, got $actual); nothing installed"
}

# kcc_download ASSET VERSION DIR: the archive and checksums.txt into DIR, verified.
kcc_download() {
  kcc_fetch "$(kcc_asset_url checksums.txt "$2")" "$3/checksums.txt"
  kcc_fetch "$(kcc_asset_url "$1" "$2")" "$3/$1"
  kcc_verify "$3/$1" "$3/checksums.txt"
}

# kcc_install_commands ARCHIVE WORKDIR DIR: unpacks the commands in WORKDIR, then copies them into DIR
# under temporary names and renames them into place, both copies first, so a failure part-way leaves
# DIR as it was.
kcc_install_commands() {
  mkdir -p "$2/unpacked"
  # shellcheck disable=SC2086 # the command names are words
  tar -xzf "$1" -C "$2/unpacked" $KCC_COMMANDS 2>/dev/null ||
    kcc_fail "${1##*/} does not hold kcc-cache and kcc-injector; nothing installed"
  mkdir -p "$3" || kcc_fail "cannot create $3"
  kcc_staged=
  for command in $KCC_COMMANDS; do
    staged="$3/.$command.install.$$"
    kcc_staged="$kcc_staged $staged"
    cp "$2/unpacked/$command" "$staged" && chmod 0755 "$staged" ||
      kcc_fail "cannot write $staged; nothing installed"
  done
  for command in $KCC_COMMANDS; do
    mv -f "$3/.$command.install.$$" "$3/$command" || kcc_fail "cannot rename into $3/$command"
  done
  kcc_staged=
}

# Removes the work directory and any staged copies, however the script ends.
kcc_cleanup() {
  # shellcheck disable=SC2086 # a list of paths without spaces in their last part
  [ -z "${kcc_staged:-}" ] || rm -f $kcc_staged
  [ -z "${kcc_work:-}" ] || rm -rf "$kcc_work"
}

kcc_usage() {
  printf 'usage: sh install.sh [--version V] [DIR]   (DIR defaults to ~/.local/bin)\n'
}

kcc_main() {
  version=latest
  dir=
  while [ $# -gt 0 ]; do
    case $1 in
      --version)
        [ $# -ge 2 ] || kcc_fail "--version needs a value (usage: sh install.sh [--version V] [DIR])"
        version=$2
        shift 2
        ;;
      --version=*)
        version=${1#--version=}
        shift
        ;;
      -h | --help)
        kcc_usage
        exit 0
        ;;
      -*) kcc_fail "unknown option $1 (usage: sh install.sh [--version V] [DIR])" ;;
      *)
        [ -z "$dir" ] || kcc_fail "one directory only (usage: sh install.sh [--version V] [DIR])"
        dir=$1
        shift
        ;;
    esac
  done
  if [ "$version" != latest ]; then
    version=${version#v}
    kcc_check_version "$version"
  fi
  if [ -z "$dir" ]; then
    [ -n "${HOME:-}" ] || kcc_fail "HOME is not set; name the directory to install into"
    dir=$HOME/.local/bin
  fi
  asset=$(kcc_asset_name)
  kcc_release_url >/dev/null

  kcc_staged=
  kcc_work=
  trap kcc_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  kcc_work=$(mktemp -d "${TMPDIR:-/tmp}/kcc-install.XXXXXX") || kcc_fail "cannot create a temporary directory"
  kcc_download "$asset" "$version" "$kcc_work"
  kcc_install_commands "$kcc_work/$asset" "$kcc_work" "$dir"

  what="version $version"
  [ "$version" != latest ] || what="the latest release"
  case ":${PATH:-}:" in
    *":$dir:"*) hint= ;;
    *) hint="; add $dir to PATH to use them" ;;
  esac
  printf 'installed kcc-cache and kcc-injector (%s, %s) into %s%s\n' "$what" "${asset%.tar.gz}" "$dir" "$hint"
}

[ "${kcc_install_library:-}" = 1 ] || kcc_main "$@"
