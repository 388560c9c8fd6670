# Sourced by serve.sh and test.sh: create (once) and activate the project virtualenv .venv,
# so nothing is ever installed into the system Python (Debian's python3 refuses that: PEP 668).
# Needs Python >= 3.11 as `python3` (or $PYTHON); on Debian the venv module comes with the
# python3-venv package, installed here with apt when missing and we may (root or sudo).

venv_python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    if ! "$venv_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "lexgraph needs Python 3.11 or newer as '$venv_python' (set PYTHON=... to choose another)" >&2
        exit 1
    fi
    if ! "$venv_python" -m venv .venv 2>/dev/null; then
        rm -rf .venv
        source scripts/apt.sh
        apt_install "python3-venv: Debian's python3 makes virtualenvs only with it (the project's .venv)" python3-venv
        "$venv_python" -m venv .venv
    fi
fi
# shellcheck disable=SC1091
source .venv/bin/activate
