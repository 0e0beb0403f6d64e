# Shared by the asdf plugin's bin/ scripts (this repository is the plugin, as asdf requires). The
# download, checksum and install steps, the platform names and the default releases URL are
# install.sh's: sourcing it keeps one copy of each, so the plugin and the script cannot drift apart.
# shellcheck shell=sh

kcc_plugin_dir="$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)"
kcc_program="asdf kube-credential-cache"
kcc_install_library=1
# shellcheck source=../install.sh
. "$kcc_plugin_dir/install.sh"

# The git repository whose tags are the released versions: the releases URL without /releases, as on
# GitHub (https://github.com/<owner>/<repo>/releases → https://github.com/<owner>/<repo>.git).
kcc_git_url() {
  base="$(kcc_release_url)"
  case "$base" in
    */releases) printf '%s.git\n' "${base%/releases}" ;;
    *) kcc_fail "cannot list versions: the releases URL $base does not end in /releases" ;;
  esac
}

# The version asdf asks for; a git ref cannot be installed, since only releases have archives.
kcc_asdf_version() {
  [ "${ASDF_INSTALL_TYPE:-version}" = version ] ||
    kcc_fail "only released versions can be installed (not ASDF_INSTALL_TYPE=$ASDF_INSTALL_TYPE)"
  [ -n "${ASDF_INSTALL_VERSION:-}" ] || kcc_fail "ASDF_INSTALL_VERSION is not set (run this through asdf)"
  v="${ASDF_INSTALL_VERSION#v}"
  kcc_check_version "$v"
  printf '%s\n' "$v"
}
