#!/bin/sh
# Installs kcc-cache and kcc-injector from a kube-credential-cache release:
#
#   sh install.sh [--version V] [DIR]
#
# Picks the archive for this machine (uname -s / uname -m), downloads it and checksums.txt, refuses it
# unless its sha256 is listed there and matches, and puts into DIR (default ~/.local/bin) its one
# executable, kube-credential-cache, with kcc-cache and kcc-injector as links to it (it is the
# command it is started as). All three are staged in DIR under temporary names, the destinations
# checked, and only then renamed into place, so DIR never holds one new command beside an old or
# missing other, and a failure or a signal before the renames leaves DIR as it was
# (docs/install-channels.md). Without --version it installs the newest release, and names it.
# KUBE_CREDENTIAL_CACHE_RELEASE_URL replaces the releases page below (assets are found at
# <url>/download/v<V>/<asset>, the newest at <url>/latest/download/<asset>).
#
# The asdf plugin (bin/ and lib/ of this repository) sources this file for its functions and its
# default URL; kcc_install_library=1 before sourcing keeps the last line from running an install.
set -eu

# The one place the releases page is written down; the asdf plugin and a unit test read it from here.
DEFAULT_RELEASE_URL=https://github.com/kube-credential-cache-ts/kube-credential-cache/releases

KCC_PROJECT=kube-credential-cache
# Set by kcc_fail's callers' context: which program the one-line errors are from.
kcc_program="${kcc_program:-install.sh}"

# What this run has created and not yet put into place, each one path, recorded as soon as it exists:
# its temporary directory, the staged executable and the two staged links beside their destinations,
# and links to the old executable and the old kcc-cache, kept until the new set is in place.
# kcc_cleanup removes these and nothing else.
kcc_work=
kcc_staged_binary=
kcc_staged_cache=
kcc_staged_injector=
kcc_kept_binary=
kcc_kept_cache=
# The version the download resolved "latest" to (or the one asked for), for the closing message.
kcc_version=

kcc_fail() {
  printf '%s: %s\n' "$kcc_program" "$*" >&2
  exit 1
}

# kcc_quietly COMMAND...: runs it with its output captured; when it fails, kcc_why is the last line it
# wrote, for a one-line error.
kcc_quietly() {
  kcc_why="$("$@" 2>&1)" && return 0
  kcc_why="$(printf '%s\n' "$kcc_why" | tail -n 1)"
  [ -n "$kcc_why" ] || kcc_why="$1 failed"
  return 1
}

kcc_release_url() {
  url="${KUBE_CREDENTIAL_CACHE_RELEASE_URL:-$DEFAULT_RELEASE_URL}"
  case "$url" in
    https://?* | http://?*) ;;
    *) kcc_fail "KUBE_CREDENTIAL_CACHE_RELEASE_URL \"$url\" is not an http(s) URL" ;;
  esac
  # No trailing slash, so that joining paths gives one slash.
  while :; do
    case "$url" in
      */) url="${url%/}" ;;
      *) break ;;
    esac
  done
  printf '%s\n' "$url"
}

# The archive name for this machine, as the release step names it: kube-credential-cache_Linux_x86_64.tar.gz
kcc_asset_name() {
  os="$(uname -s)"
  arch="$(uname -m)"
  case "$os" in
    Linux | Darwin) ;;
    MINGW* | MSYS* | CYGWIN* | Windows*)
      kcc_fail "Windows is not supported by this script; use Scoop or the .zip from the releases page" ;;
    *) kcc_fail "no kube-credential-cache build for the OS \"$os\" (Linux and Darwin only)" ;;
  esac
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) kcc_fail "no kube-credential-cache build for the architecture \"$arch\" (x86_64 and arm64 only)" ;;
  esac
  printf '%s_%s_%s.tar.gz\n' "$KCC_PROJECT" "$os" "$arch"
}

# A version as the tags spell it without their v: 1.2.3, 1.2.3-rc.1.
kcc_check_version() {
  case "$1" in
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
# and its asset downloads redirect), and an HTTP error is a failure, not a saved error page. Quiet;
# kcc_fetched is the URL the download ended at, after redirects.
kcc_fetch() {
  if command -v curl >/dev/null 2>&1; then
    # --write-out prints the final URL last, even after a failure, so the error is curl's own line.
    if ! kcc_fetched="$(curl --fail --silent --show-error --location --proto '=https,http' \
      --write-out '%{url_effective}' --output "$2" "$1" 2>&1)"; then
      kcc_why="$(printf '%s\n' "$kcc_fetched" | grep '^curl:' | tail -n 1)"
      kcc_fail "cannot download $1: ${kcc_why:-curl failed}"
    fi
  elif command -v wget >/dev/null 2>&1; then
    kcc_quietly wget --no-verbose --output-document="$2" "$1" ||
      kcc_fail "cannot download $1: $kcc_why"
    # --no-verbose logs one line per download: `<date> URL:<final url> [<size>] -> "<file>" [1]`.
    kcc_fetched="$(printf '%s\n' "$kcc_why" | sed -n 's/^.* URL: *\([^ ]*\) .*$/\1/p' | tail -n 1)"
  else
    kcc_fail "neither curl nor wget is installed; one of them is needed to download"
  fi
}

# kcc_fetch_large URL FILE: kcc_fetch, with the tool's progress bar when stderr is a terminal (the
# archive is tens of megabytes); quiet in a pipe, a log or CI. On a terminal the tool prints its own
# error above the one line.
kcc_fetch_large() {
  if [ ! -t 2 ]; then
    kcc_fetch "$@"
  elif command -v curl >/dev/null 2>&1; then
    curl --fail --location --proto '=https,http' --progress-bar --output "$2" "$1" ||
      kcc_fail "cannot download $1 (curl exit $?)"
  elif command -v wget >/dev/null 2>&1; then
    wget --quiet --show-progress --output-document="$2" "$1" ||
      kcc_fail "cannot download $1 (wget exit $?)"
  else
    kcc_fetch "$@"
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
  name="${1##*/}"
  expected="$(awk -v name="$name" '$2 == name || $2 == "*" name { print tolower($1); exit }' "$2")"
  [ -n "$expected" ] || kcc_fail "checksums.txt lists no sha256 for $name; nothing installed"
  actual="$(kcc_sha256 "$1")"
  [ "$actual" = "$expected" ] ||
    kcc_fail "$name does not match its sha256 in checksums.txt (expected $expected, got $actual); nothing installed"
}

# kcc_download ASSET VERSION DIR: the archive and checksums.txt into DIR, verified. For "latest",
# checksums.txt's redirect names the version (kcc_version), and the archive is then taken from that
# version, so that a release published between the two downloads cannot mix them; a mirror that
# serves latest/ without redirecting gets both from latest/, and kcc_version stays "latest".
kcc_download() {
  kcc_fetch "$(kcc_asset_url checksums.txt "$2")" "$3/checksums.txt"
  kcc_version="$2"
  if [ "$2" = latest ]; then
    case "$kcc_fetched" in
      */download/v*/checksums.txt)
        kcc_version="${kcc_fetched%/checksums.txt}"
        kcc_version="${kcc_version##*/download/v}"
        kcc_check_version "$kcc_version"
        ;;
    esac
  fi
  kcc_fetch_large "$(kcc_asset_url "$1" "$kcc_version")" "$3/$1"
  kcc_verify "$3/$1" "$3/checksums.txt"
}

# kcc_mktemp [-d] TEMPLATE: mktemp, with signals held off until it has printed the name, so that a
# signal cannot end the run between creating a file and its caller recording it.
kcc_mktemp() {
  (
    trap '' HUP INT TERM
    mktemp "$@"
  ) 2>/dev/null
}

# kcc_start_work NAME: from here, however the run ends, kcc_cleanup removes what it created; a signal
# ends it with one line and 128 + the signal's number. kcc_work is a new temporary directory.
kcc_start_work() {
  trap kcc_cleanup EXIT
  trap 'kcc_interrupted SIGHUP 129' HUP
  trap 'kcc_interrupted SIGINT 130' INT
  trap 'kcc_interrupted SIGTERM 143' TERM
  kcc_work="$(kcc_mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")" || kcc_fail "cannot create a temporary directory"
}

kcc_interrupted() {
  printf '%s: interrupted (%s); nothing installed\n' "$kcc_program" "$1" >&2
  exit "$2"
}

kcc_cleanup() {
  for kcc_created in "$kcc_staged_binary" "$kcc_staged_cache" "$kcc_staged_injector" \
    "$kcc_kept_binary" "$kcc_kept_cache"; do
    [ -z "$kcc_created" ] || rm -f -- "$kcc_created"
  done
  [ -z "$kcc_work" ] || rm -rf -- "$kcc_work"
}

# kcc_install_commands ARCHIVE WORKDIR DIR: unpacks the executable in WORKDIR, stages it and a link
# per command in DIR under temporary names, checks that every destination can be replaced, and
# renames all three into place.
kcc_install_commands() {
  mkdir -p -- "$2/unpacked"
  if ! tar -xzf "$1" -C "$2/unpacked" "$KCC_PROJECT" 2>/dev/null || [ ! -f "$2/unpacked/$KCC_PROJECT" ]; then
    kcc_fail "${1##*/} does not hold $KCC_PROJECT; nothing installed"
  fi
  kcc_quietly mkdir -p -- "$3" || kcc_fail "cannot create $3 ($kcc_why); nothing installed"
  [ -w "$3" ] || kcc_fail "cannot write into $3; nothing installed"
  kcc_check_destination "$3" "$KCC_PROJECT"
  kcc_check_destination "$3" kcc-cache
  kcc_check_destination "$3" kcc-injector
  kcc_staged_binary="$(kcc_mktemp -- "$3/.$KCC_PROJECT.new.XXXXXX")" ||
    kcc_fail "cannot create a file in $3; nothing installed"
  kcc_copy "$2/unpacked/$KCC_PROJECT" "$kcc_staged_binary" "$3"
  kcc_staged_cache="$(kcc_mktemp -- "$3/.kcc-cache.new.XXXXXX")" ||
    kcc_fail "cannot create a file in $3; nothing installed"
  kcc_link "$2/unpacked/$KCC_PROJECT" "$kcc_staged_cache" "$3"
  kcc_staged_injector="$(kcc_mktemp -- "$3/.kcc-injector.new.XXXXXX")" ||
    kcc_fail "cannot create a file in $3; nothing installed"
  kcc_link "$2/unpacked/$KCC_PROJECT" "$kcc_staged_injector" "$3"
  kcc_replace "$3"
}

# kcc_check_destination DIR NAME: a rename onto a directory (or a link to one) would move the file
# into it and report success, so that is refused before anything is replaced.
kcc_check_destination() {
  [ ! -d "$1/$2" ] || kcc_fail "cannot install $1/$2: it is a directory; nothing installed"
}

# kcc_copy FROM STAGED DIR: FROM's bytes into the staged file, executable.
kcc_copy() {
  if ! kcc_quietly cp -- "$1" "$2" || ! kcc_quietly chmod -- 0755 "$2"; then
    kcc_fail "cannot copy ${1##*/} into $3 ($kcc_why); nothing installed"
  fi
}

# kcc_link FROM STAGED DIR: the staged file becomes a symbolic link to the executable's name beside
# it (relative, so DIR can move); where the file system has none, a hard link to the staged
# executable, else a copy of FROM. The executable runs as the command its link is named.
kcc_link() {
  ln -sf -- "$KCC_PROJECT" "$2" 2>/dev/null ||
    ln -f -- "$kcc_staged_binary" "$2" 2>/dev/null ||
    kcc_copy "$1" "$2" "$3"
}

# kcc_keep FILE KEPT DIR: the old FILE stays reachable as KEPT (a hard link, else a copy) until the
# new set is in place, so that a failed rename after it can put it back.
kcc_keep() {
  ln -f -- "$1" "$2" 2>/dev/null ||
    kcc_quietly cp -p -- "$1" "$2" ||
    kcc_fail "cannot keep the old $1 while replacing it ($kcc_why); nothing installed"
}

# kcc_replace DIR: renames the staged executable, then the kcc-cache link, then the kcc-injector
# link into place, all or none. Over an install of this layout, the first rename switches both
# commands at once; over an older one of two files, kcc-cache is new from the second rename on, so
# the old executable and the old kcc-cache are kept until kcc-injector is in place too. From the first
# rename on, signals are ignored: nothing may come between the renames, and the install then
# completes.
kcc_replace() {
  if [ -f "$1/$KCC_PROJECT" ]; then
    kcc_kept_binary="$(kcc_mktemp -- "$1/.$KCC_PROJECT.old.XXXXXX")" ||
      kcc_fail "cannot create a file in $1; nothing installed"
    kcc_keep "$1/$KCC_PROJECT" "$kcc_kept_binary" "$1"
  fi
  if [ -f "$1/kcc-cache" ]; then
    kcc_kept_cache="$(kcc_mktemp -- "$1/.kcc-cache.old.XXXXXX")" ||
      kcc_fail "cannot create a file in $1; nothing installed"
    kcc_keep "$1/kcc-cache" "$kcc_kept_cache" "$1"
  fi
  trap '' HUP INT TERM
  kcc_quietly mv -f -- "$kcc_staged_binary" "$1/$KCC_PROJECT" ||
    kcc_fail "cannot put $KCC_PROJECT in place in $1 ($kcc_why); nothing installed"
  kcc_staged_binary=
  if ! kcc_quietly mv -f -- "$kcc_staged_cache" "$1/kcc-cache"; then
    failure="cannot put kcc-cache in place in $1 ($kcc_why)"
    kcc_put_back "$1" "$KCC_PROJECT" "$failure"
    kcc_fail "$failure; nothing installed"
  fi
  kcc_staged_cache=
  if ! kcc_quietly mv -f -- "$kcc_staged_injector" "$1/kcc-injector"; then
    failure="cannot put kcc-injector in place in $1 ($kcc_why)"
    kcc_put_back "$1" kcc-cache "$failure"
    kcc_put_back "$1" "$KCC_PROJECT" "$failure"
    kcc_fail "$failure; nothing installed"
  fi
  kcc_staged_injector=
}

# kcc_put_back DIR NAME FAILURE: undoes the rename onto DIR/NAME after a later one failed: the old
# one back from where kcc_replace kept it, or, when there was none, this run's removed.
kcc_put_back() {
  if [ "$2" = kcc-cache ]; then
    kept="$kcc_kept_cache"
    kcc_kept_cache=
  else
    kept="$kcc_kept_binary"
    kcc_kept_binary=
  fi
  if [ -z "$kept" ]; then
    rm -f -- "$1/$2"
  elif ! kcc_quietly mv -f -- "$kept" "$1/$2"; then
    # The old one is not removed on exit: it is the user's, under another name.
    kcc_fail "$3, nor the old $2 back ($kcc_why); it is $kept"
  fi
}

kcc_usage() {
  printf 'usage: sh install.sh [--version V] [DIR]   (DIR defaults to ~/.local/bin)\n'
}

kcc_main() {
  version=latest
  dir=
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --version)
        [ "$#" -ge 2 ] || kcc_fail "--version needs a value (usage: sh install.sh [--version V] [DIR])"
        version="$2"
        shift 2
        ;;
      --version=*)
        version="${1#--version=}"
        shift
        ;;
      -h | --help)
        kcc_usage
        exit 0
        ;;
      -*) kcc_fail "unknown option $1 (usage: sh install.sh [--version V] [DIR])" ;;
      *)
        [ -z "$dir" ] || kcc_fail "one directory only (usage: sh install.sh [--version V] [DIR])"
        dir="$1"
        shift
        ;;
    esac
  done
  if [ "$version" != latest ]; then
    version="${version#v}"
    kcc_check_version "$version"
  fi
  if [ -z "$dir" ]; then
    [ -n "${HOME:-}" ] || kcc_fail "HOME is not set; name the directory to install into"
    dir="$HOME/.local/bin"
  fi
  asset="$(kcc_asset_name)"
  kcc_release_url >/dev/null

  kcc_start_work kcc-install
  kcc_download "$asset" "$version" "$kcc_work"
  kcc_install_commands "$kcc_work/$asset" "$kcc_work" "$dir"

  what="version $kcc_version"
  [ "$version" != latest ] || what="$what, the latest release"
  [ "$kcc_version" != latest ] || what="the latest release"
  case ":${PATH:-}:" in
    *":$dir:"*) hint= ;;
    *) hint="; add $dir to PATH to use them" ;;
  esac
  printf 'installed kcc-cache and kcc-injector (%s, %s) into %s%s\n' "$what" "${asset%.tar.gz}" "$dir" "$hint"
}

[ "${kcc_install_library:-}" = 1 ] || kcc_main "$@"
