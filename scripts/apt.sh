# Sourced by the set-up scripts (venv.sh, build-frontend.sh, test.sh): apt_install installs
# Debian packages without their recommended packages, saying what it installs and why, as
# root or through sudo. Nothing else in the set-up touches the system.

# apt_install "why (one line per group of packages)" PACKAGE...
apt_install() {
    local why=$1
    shift
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    echo "lexgraph set-up: installing $* (apt-get, without recommended packages):" >&2
    local line
    while IFS= read -r line; do
        echo "  - $line" >&2
    done <<<"$why"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "$@" >/dev/null
}
