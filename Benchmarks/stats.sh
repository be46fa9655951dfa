#!/usr/bin/env bash
# The statistics benchmarks: mlw against the Python reference implementations on the same files,
# whole process (Python: pandas reads the CSV, then the package computes), median of RUNS runs.
# Needs the packages of scripts/requirements.txt. Usage: Benchmarks/stats.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
swift build -c release --product mlw >/dev/null
bin=$(swift build -c release --show-bin-path)
data=$(mktemp -d "${TMPDIR:-/tmp}/mlw-stats-bench-XXXXXX")
trap 'rm -rf "$data"' EXIT
python3 Benchmarks/make_ratings.py "$data/a5.csv" 100000 5 5 0.1
python3 Benchmarks/make_ratings.py "$data/a50.csv" 100000 3 50 0.1
python3 Benchmarks/make_ratings.py "$data/i100.csv" 20000 4 100 0.1
python3 Benchmarks/make_ratings.py "$data/f5.csv" 100000 5 5 0
python3 Benchmarks/make_ratings.py "$data/c2.csv" 100000 2 5 0
python3 Benchmarks/make_ratings.py "$data/m1.csv" 200000 5 5 0
echo
python3 Benchmarks/compare.py "$runs" "$bin/mlw" "$data"
