#!/usr/bin/env bash
# Install lexgraph with its test dependencies into the project virtualenv .venv and run the
# whole test suite.
# This is the README's test command; .ci/run calls it. On a fresh Debian machine (as root) it
# first installs what the browser test of the query editor needs: Chromium and its driver,
# and npm to build the editor's YASGUI bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    apt_packages+=(chromium chromium-driver)
fi
if ! command -v npm >/dev/null 2>&1; then
    apt_packages+=(nodejs npm)
fi
if ((${#apt_packages[@]})); then
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    echo "test.sh: installing ${apt_packages[*]} (apt-get)" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

source scripts/venv.sh
python -m pip install --quiet --disable-pip-version-check -e '.[test]'
bash scripts/build-frontend.sh
python -m pytest "$@"
