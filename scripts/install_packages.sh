# Sourced by the scripts that need Debian packages (setup.sh, fuzz.sh, bench_lib.sh), so they
# install them the same way: only what is missing, silently when nothing is, through sudo when
# not root, with the package lists refreshed first (a fresh machine has none).

# install_missing_packages WHO PACKAGE...: installs each PACKAGE dpkg does not list as
# installed, saying "WHO: installing ..." first.
install_missing_packages() {
  local who=$1 package
  shift
  local missing=()
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "$who: installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}
