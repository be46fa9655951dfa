#!/usr/bin/env bash
# The annotation benchmarks (release build, static), whole process, medians:
#   - mlw manager report on ITEMS items x ANNOTATORS labels each (default 200,000 x 5 = 1,000,000
#     labels), with the default 1,000 bootstrap draws and without (target: < 3 s end to end)
#   - mlw annotator next and submit on that workspace (target: < 30 ms each)
#   - mlw manager disagreements, export --kind raw, progress, for reference
# Usage: Benchmarks/annotation.sh [ITEMS] [ANNOTATORS]
set -euo pipefail
cd "$(dirname "$0")/.."
items=${1:-200000}
annotators=${2:-5}
runs=${RUNS:-40}

swift build -c release --static-swift-stdlib --product mlw --build-path .build/static >/dev/null
swift build -c release --product mlw-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
mlw=$(swift build -c release --static-swift-stdlib --build-path .build/static --show-bin-path)/mlw

work=$(mktemp -d "${TMPDIR:-/tmp}/mlw-annotation-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$bin/mlw-bench" make-annotation "$work/root" "$items" "$annotators"
du -sh "$work/root/labels/labels" | sed 's/^/label logs on disk: /'
common=(--root "$work/root" -w labels)

echo
echo "== agreement report over $((items * annotators - 100 * annotators)) labels (target: < 3 s end to end)"
python3 Benchmarks/timeit.py 5 "mlw manager report (1000 bootstrap draws)" -- "$mlw" manager report images "${common[@]}" --as mia
python3 Benchmarks/timeit.py 5 "mlw manager report --bootstrap 0" -- "$mlw" manager report images --bootstrap 0 "${common[@]}" --as mia
python3 Benchmarks/timeit.py 3 "mlw manager disagreements" -- "$mlw" manager disagreements images "${common[@]}" --as mia
python3 Benchmarks/timeit.py 3 "mlw manager progress" -- "$mlw" manager progress images "${common[@]}" --as mia
python3 Benchmarks/timeit.py 3 "mlw manager export --kind raw" -- "$mlw" manager export images --kind raw --output "$work/raw.csv" "${common[@]}" --as mia

echo
echo "== labeling on the same workspace: next, then submit of the item it showed (target: < 30 ms each, whole process)"
python3 Benchmarks/labeling.py "$mlw" "$work/root" labels ann01 "$runs"
python3 Benchmarks/timeit.py 5 "mlw annotator mine (reads every label)" -- "$mlw" annotator mine "${common[@]}" --as ann02
