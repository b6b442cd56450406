#!/usr/bin/env bash
# From a fresh clone: make .venv (if missing), install sourcing with its test extras, run the benchmark.
# Arguments go to benchmarks/run.py, e.g.  bash benchmarks/run.sh --sizes S,M --repeat 3
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python benchmarks/run.py "$@"
