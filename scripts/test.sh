#!/usr/bin/env bash
# Install lexgraph with its test dependencies into the project virtualenv .venv and run the
# whole test suite.
# This is the README's test command; .ci/run calls it. On a fresh Debian machine (as root) it
# first installs what the page tests need: Chromium and its driver (npm for the pages'
# bundles comes with build-frontend.sh, as for serve.sh); and Debian's Virtuoso 7 (virtuoso-opensource),
# the second real SPARQL server that remote mode is tested over (the tests start it on
# loopback ports with a database of their own; its system service is never started).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/apt.sh
apt_packages=()
why=()
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    apt_packages+=(chromium chromium-driver)
    why+=("chromium and chromium-driver: the page tests drive a headless browser")
fi
if [[ ! -x /usr/bin/virtuoso-t || ! -x /usr/bin/isql-vt ]]; then
    apt_packages+=(virtuoso-opensource)
    why+=("virtuoso-opensource: remote mode is tested over a real Virtuoso on loopback")
fi
if ((${#apt_packages[@]})); then
    # Virtuoso's package would start its system service (ports 1111 and 8890 on every
    # interface): the tests need only its programs, so a temporary policy-rc.d (Debian's way
    # to keep packages from starting services) denies it, unless the machine has its own.
    no_services=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        no_services=1
        sudo=()
        [[ $(id -u) -ne 0 ]] && sudo=(sudo)
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    fi
    apt_install "$(IFS=$'\n'; echo "${why[*]}")" "${apt_packages[@]}"
    if [[ -n $no_services ]]; then
        "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
    fi
fi

source scripts/venv.sh
python -m pip install --quiet --disable-pip-version-check -e '.[test]'
bash scripts/build-frontend.sh
python -m pytest "$@"
