#!/usr/bin/env bash
# Install lexgraph into the project virtualenv .venv, build the query editor's front-end bundle
# (npm, at build time), and serve the graph on 127.0.0.1:8000 from the embedded store.
# This is the README's main command; Ctrl+C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
python -m pip install --quiet --disable-pip-version-check -e .
bash scripts/build-frontend.sh  # installs nodejs and npm with apt when missing
exec lexgraph serve "$@"
