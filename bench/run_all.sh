#!/usr/bin/env bash
# Every benchmark, one after the other (they must not share the machine), each writing its
# tables to bench/results/. Expect well over an hour: the SPARQL comparison at 1M triples
# dominates. Arguments are passed to none of them; run a single benchmark to tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 bench/validate_bench.py
python3 bench/startup_bench.py
python3 bench/pages_bench.py     # Lighthouse, installed into bench/lighthouse by npm ci on its first run
python3 bench/hostile_bench.py
python3 bench/graph_bench.py
python3 bench/load_bench.py
python3 bench/sparql_bench.py
python3 bench/sparql_bench.py --executor-store memory --out sparql-memory
