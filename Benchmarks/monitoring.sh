#!/usr/bin/env bash
# The monitoring stage's figures (release build), whole process, medians:
#   - mlw engineer monitor window on ROWS rows x 20 columns (15 numeric, 5 categorical) against a
#     reference of REFERENCE rows: time and peak memory (targets: under 3 s, under 500 MB)
#   - the same drift computation with Evidently (DataDriftPreset, whose rule mlw's default is:
#     normed Wasserstein and Jensen-Shannon above 1,000 reference rows) on the same files, in the
#     same run, reading the CSV files included, imports excluded; and the ratio
#   - mlw lineage of a deployment (target: under 50 ms)
# Usage: Benchmarks/monitoring.sh [ROWS] [REFERENCE]   (MLW=path uses that binary instead of building)
# Evidently needs pandas < 3; it is installed into .venv-evidently on first use (benchmark only,
# not a test dependency).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
reference=${2:-$rows}
repeat=${REPEAT:-5}
flags=(-c release -Xswiftc -enable-testing -Xswiftc -warnings-as-errors)
if [ -n "${MLW:-}" ]; then
  mlw=$MLW  # a release binary built elsewhere
else
  swift build "${flags[@]}" --product mlw >/dev/null
  mlw=$(swift build "${flags[@]}" --show-bin-path)/mlw
fi
if [ ! -x .venv-evidently/bin/python ]; then
  python3 -m venv .venv-evidently
  .venv-evidently/bin/pip install -q "evidently==0.7.23" "pandas<3"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mlw-monitoring-XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$rows" "$reference" <<'PY'
import random, sys
folder, rows, reference = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
numeric = [f"n{i}" for i in range(15)]
categorical = [f"c{i}" for i in range(5)]
def write(path, n, shift, seed):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write(",".join(numeric + categorical) + "\n")
        for _ in range(n):
            f.write(",".join([f"{rng.gauss(shift * (i % 3), 1):.4f}" for i in range(15)]
                             + [rng.choice("abcde" if i or not shift else "abcdef") for i in range(5)]) + "\n")
write(f"{folder}/reference.csv", reference, 0, 1)
write(f"{folder}/window.csv", rows, 0.3, 2)
# A tiny approved model behind a deployment, for the window to be recorded against.
with open(f"{folder}/items.csv", "w") as f:
    f.write("id,image\n" + "".join(f"i{k},i{k}.png\n" for k in range(20)))
with open(f"{folder}/predictions.csv", "w") as f:
    f.write("item,prediction,truth\n" + "".join(f"i{k},{'ok' if k % 4 else 'bad'},{'ok' if k % 4 else 'bad'}\n" for k in range(20)))
PY
root=$work/root
m() { "$mlw" "$@" --root "$root" -w bench >/dev/null; }
"$mlw" init bench --lead ana --root "$root" >/dev/null
m lead member add eve --role engineer --as ana
m lead member add sam --role sme --as ana
m lead metric-policy set --metric accuracy --as ana
m engineer dataset import parts "$work/items.csv" --as eve
m engineer run start r1 --dataset parts --as eve
m engineer run evaluate r1 --split test --predictions "$work/predictions.csv" --as eve
m engineer run finish r1 --as eve
m engineer model register parts --run r1 --as eve
m sme signoff approve parts@1 --reason benchmark --as sam
m engineer deployment start parts@1 --target line --form batch --as eve
m engineer monitor reference line "$work/reference.csv" --as eve

echo "== monitor window: $rows rows x 20 columns against $reference reference rows"
n=0
window() { n=$((n + 1)); "$mlw" engineer monitor window line --name "w$n" "$work/window.csv" --root "$root" -w bench --as eve >/dev/null; }
export -f window 2>/dev/null || true
times=()
for _ in $(seq "$repeat"); do
  start=$(date +%s.%N)
  window
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
peak=$( { /usr/bin/time -f "%M" "$mlw" engineer monitor window line --name peak "$work/window.csv" --root "$root" -w bench --as eve >/dev/null; } 2>&1 | tail -1)
printf "%-44s median %7.0f ms   peak %6.0f MB   (%s runs)\n" "mlw monitor window" "$(echo "$median * 1000" | bc)" "$((peak / 1024))" "$repeat"
"$mlw" engineer monitor show line --root "$root" -w bench --as eve | sed -n '/WINDOW/,/^$/p' | head -3

echo
echo "== Evidently DataDriftPreset on the same files (read_csv included, imports excluded)"
.venv-evidently/bin/python - "$work" "$repeat" "$median" <<'PY'
import statistics, sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
folder, repeat, ours = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
times = []
for _ in range(repeat):
    start = time.perf_counter()
    reference = pd.read_csv(f"{folder}/reference.csv")
    current = pd.read_csv(f"{folder}/window.csv")
    result = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference).dict()
    times.append(time.perf_counter() - start)
median = statistics.median(times)
drifted = next((m["value"]["count"] for m in result["metrics"] if m.get("metric_name", "").startswith("DriftedColumnsCount")), None)
print(f"{'Evidently DataDriftPreset':<44} median {median * 1000:7.0f} ms   ({repeat} runs); drifted columns: {drifted:.0f} of 20")
print(f"ratio mlw / Evidently: {ours / median:.2f}")
PY

echo
echo "== lineage of the deployment"
python3 Benchmarks/timeit.py 9 "mlw lineage deployments/line" -- "$mlw" lineage deployments/line --root "$root" -w bench
