#!/usr/bin/env bash
# Install lexgraph with its test dependencies into the project virtualenv .venv and run the
# whole test suite.
# This is the README's test command; .ci/run calls it. On a fresh Debian machine (as root) it
# first installs what the browser test of the query editor needs: Chromium and its driver,
# and npm to build the editor's YASGUI bundle; and Debian's Virtuoso 7 (virtuoso-opensource),
# the second real SPARQL server that remote mode is tested over (the tests start it on
# loopback ports with a database of their own; its system service is never started).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    apt_packages+=(chromium chromium-driver)
fi
if ! command -v npm >/dev/null 2>&1; then
    apt_packages+=(nodejs npm)
fi
if [[ ! -x /usr/bin/virtuoso-t || ! -x /usr/bin/isql-vt ]]; then
    apt_packages+=(virtuoso-opensource)
fi
if ((${#apt_packages[@]})); then
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    echo "test.sh: installing ${apt_packages[*]} (apt-get)" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null
    # Virtuoso's package would start its system service (ports 1111 and 8890 on every
    # interface): the tests need only its programs, so a temporary policy-rc.d (Debian's way
    # to keep packages from starting services) denies it, unless the machine has its own.
    no_services=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        no_services=1
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${apt_packages[@]}" >/dev/null
    if [[ -n $no_services ]]; then
        "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
    fi
fi

source scripts/venv.sh
python -m pip install --quiet --disable-pip-version-check -e '.[test]'
bash scripts/build-frontend.sh
python -m pytest "$@"
