#!/usr/bin/env bash
# The foundation benchmarks (release build), printed as a table:
#   - mlw status / show / log on a workspace of 10,000 versioned records, whole process, median
#   - log append throughput next to the raw fsync rate of the same disk, measured in the same run
# Usage: Benchmarks/run.sh [RECORDS] [SECONDS_PER_APPEND_TEST]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-10000}
seconds=${2:-3}
runs=${RUNS:-30}

# mlw as it would be deployed: release, with the Swift runtime and Foundation linked statically
# (no shared-library loading at start-up), in its own build folder.
swift build -c release --static-swift-stdlib --product mlw --build-path .build/static >/dev/null
swift build -c release --product mlw-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
mlw=$(swift build -c release --static-swift-stdlib --build-path .build/static --show-bin-path)/mlw

work=$(mktemp -d "${TMPDIR:-/tmp}/mlw-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$bin/mlw-bench" make-workspace "$work/root" "$records"
middle=$(printf "runs/run-%0${#records}d" $((records / 2)))

echo
echo "== whole-process latency on a workspace of $records records (target: median < 50 ms)"
python3 Benchmarks/timeit.py "$runs" "mlw status" -- "$mlw" status --root "$work/root" -w bench --as ana
python3 Benchmarks/timeit.py "$runs" "mlw status --json" -- "$mlw" status --root "$work/root" -w bench --json
python3 Benchmarks/timeit.py "$runs" "mlw show $middle" -- "$mlw" show "$middle" --root "$work/root" -w bench
python3 Benchmarks/timeit.py "$runs" "mlw log --limit 20" -- "$mlw" log --limit 20 --root "$work/root" -w bench
python3 Benchmarks/timeit.py "$runs" "mlw --help (process start-up floor)" -- "$mlw" --help

echo
echo "== log appends on the disk of $work (${seconds}s each)"
"$bin/mlw-bench" appends "$work/appends" "$seconds"
