#!/usr/bin/env bash
# The training stage's figures (release build), whole process, medians:
#   - run list --filter (metrics and params, with an or) and run compare of 50 runs at RUNS runs
#     (targets: under 100 ms), mlw status, show and run show; MLflow's search_runs with the same
#     filter over the same runs in its SQLite store, in the same run, and the ratio (MLFLOW=0
#     skips it; writing the store takes its client about 3 minutes at 10,000 runs)
#   - 1,000,000 metric points logged to one run in batches of 100,000: points per second; run show
#     reading them back
#   - run evaluate on PREDICTIONS predictions with 5 slice columns: time and peak memory
#     (targets: under 2 s, under 300 MB)
#   - stats label-issues on 100,000 items x 10 classes, and cleanlab's find_label_issues on the
#     same data in the same run (import excluded), with the ratio (target: under 1 s)
# Usage: Benchmarks/training.sh [RUNS] [PREDICTIONS]     (needs .venv: scripts/test makes it;
#   MLW_BIN=folder uses the binaries there instead of building)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000}
predictions=${2:-1000000}
repeat=${REPEAT:-9}
python=${MLW_PYTHON:-.venv/bin/python}
flags=(-c release -Xswiftc -enable-testing -Xswiftc -warnings-as-errors)
if [ -n "${MLW_BIN:-}" ]; then
  bin=$MLW_BIN  # a folder holding release builds of mlw and mlw-bench made elsewhere
else
  swift build "${flags[@]}" --product mlw >/dev/null
  swift build "${flags[@]}" --product mlw-bench >/dev/null
  bin=$(swift build "${flags[@]}" --show-bin-path)
fi
mlw=$bin/mlw
work=$(mktemp -d "${TMPDIR:-/tmp}/mlw-training-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== $runs runs, 20 params and 10 metrics each (mlw-bench make-workspace)"
"$bin/mlw-bench" make-workspace "$work/root" "$runs" >/dev/null
ids=$(seq -f "run-%0${#runs}g" 1 50 | tr '\n' ' ')
middle=$(printf "run-%0${#runs}d" $((runs / 2)))
filter="metrics.dev.f1 > 0.8 and (params.optimizer = 'adam' or params.lr in (0.001, 0.0003)) and tags.stage != 'debug'"
listed=$(python3 Benchmarks/timeit.py "$repeat" "run list --filter (or, params, metrics)" -- "$mlw" engineer run list --root "$work/root" -w bench \
  --filter "$filter" --limit 20)
echo "$listed"
matched=$("$mlw" engineer run list --root "$work/root" -w bench --filter "$filter" --limit 20 --json | python3 -c "import json, sys; print(json.load(sys.stdin)['matched'])")
echo "  mlw matched $matched runs"
# The peer: MLflow's search_runs over the same runs in its SQLite store (benchmark only: the
# client with SQLAlchemy and Alembic, in .venv-mlflow, made on first use). MLFLOW=0 skips it.
if [ "${MLFLOW:-1}" != 0 ]; then
  if [ ! -x .venv-mlflow/bin/python ]; then
    python3 -m venv .venv-mlflow
    .venv-mlflow/bin/pip install -q "mlflow-skinny==3.17.2" sqlalchemy alembic
  fi
  peer=$(.venv-mlflow/bin/python Benchmarks/mlflow_search.py "$mlw" "$work/root" bench "$work" "$repeat" 2>/dev/null)
  echo "$peer" | grep -v '^MLFLOW_MEDIAN_MS='
  ours=$(echo "$listed" | awk '{for (i = 1; i <= NF; i++) if ($i == "median") print $(i + 1)}')
  theirs=$(echo "$peer" | sed -n 's/^MLFLOW_MEDIAN_MS=//p')
  python3 -c "import sys; print(f'ratio mlw (whole process) / MLflow search_runs (in Python): {float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$ours" "$theirs"
fi
python3 Benchmarks/timeit.py "$repeat" "run compare (50 runs)" -- "$mlw" engineer run compare $ids --root "$work/root" -w bench
python3 Benchmarks/timeit.py "$repeat" "mlw status" -- "$mlw" status --root "$work/root" -w bench
python3 Benchmarks/timeit.py "$repeat" "mlw show runs/$middle" -- "$mlw" show "runs/$middle" --root "$work/root" -w bench
python3 Benchmarks/timeit.py "$repeat" "run show $middle" -- "$mlw" engineer run show "$middle" --root "$work/root" -w bench

echo
echo "== 1,000,000 metric points to one run, 10 batches of 100,000"
"$mlw" engineer run start long --dataset none --root "$work/root" -w bench --as eve >/dev/null 2>&1 || true
"$python" - "$work" <<'PY'
import json, sys
folder = sys.argv[1]
for b in range(10):
    with open(f"{folder}/points-{b}.jsonl", "w") as f:
        for i in range(100_000):
            step = b * 100_000 + i
            f.write(json.dumps({"metric": "loss" if i % 2 else "f1", "split": "train", "step": step, "value": 1.0 / (1 + step)}) + "\n")
with open(f"{folder}/items.csv", "w") as f:
    f.write("id,x\n")
    for i in range(1000):
        f.write(f"i{i},{i}\n")
PY
"$mlw" manager dataset import tiny "$work/items.csv" --root "$work/root" -w bench --as mia >/dev/null
"$mlw" engineer run start long --dataset tiny --root "$work/root" -w bench --as eve >/dev/null
start=$(date +%s.%N)
for b in $(seq 0 9); do "$mlw" engineer run log long --file "$work/points-$b.jsonl" --root "$work/root" -w bench --as eve >/dev/null; done
end=$(date +%s.%N)
python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'{\"run log (1,000,000 points, 10 batches)\":<44} {s:7.2f} s   {1e6/s:,.0f} points/s')" "$start" "$end"
python3 Benchmarks/timeit.py 3 "run show (reads 1,000,000 points)" -- "$mlw" engineer run show long --root "$work/root" -w bench
python3 Benchmarks/timeit.py 3 "run history (500,000 points), text" -- "$mlw" engineer run history long train.loss --root "$work/root" -w bench
python3 Benchmarks/timeit.py 3 "run history (500,000 points), --json" -- "$mlw" engineer run history long train.loss --json --root "$work/root" -w bench

echo
echo "== run evaluate on $predictions predictions with 5 slice columns"
"$python" - "$work" "$predictions" <<'PY'
import random, sys
folder, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
classes = ["ok", "bridge", "void", "insufficient"]
with open(f"{folder}/big-items.csv", "w") as f:
    f.write("id,x\n")
    for i in range(n):
        f.write(f"p{i},{i}\n")
with open(f"{folder}/big-predictions.csv", "w") as f:
    f.write("item,prediction,truth,line,side,package,shift,camera\n")
    for i in range(n):
        t = random.choice(classes)
        p = t if random.random() < 0.85 else random.choice(classes)
        f.write(f"p{i},{p},{t},l{i % 3},{'top' if i % 2 else 'bottom'},{['qfp', 'bga', '0402'][i % 3]},s{i % 4},c{i % 7}\n")
PY
"$mlw" manager dataset import big "$work/big-items.csv" --root "$work/root" -w bench --as mia >/dev/null
"$mlw" engineer run start big-run --dataset big --root "$work/root" -w bench --as eve >/dev/null
/usr/bin/time -f "run evaluate ($predictions predictions, 5 slices)      %e s   peak %M KB" \
  "$mlw" engineer run evaluate big-run --split test --predictions "$work/big-predictions.csv" --slice line --slice side --slice package \
  --slice shift --slice camera --root "$work/root" -w bench --as eve >/dev/null

echo
echo "== label issues, 100,000 items x 10 classes"
"$python" - "$work" "$mlw" <<'PY'
import subprocess, sys, time
import numpy as np
folder, mlw = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)
n, k = 100_000, 10
truth = rng.integers(0, k, n)
alpha = np.ones((n, k)); alpha[np.arange(n), truth] = 8
probs = np.array([rng.dirichlet(a) for a in alpha])
given = truth.copy(); flip = rng.random(n) < 0.2; given[flip] = rng.integers(0, k, flip.sum())
probs = np.round(probs, 6); probs[:, -1] = 1 - probs[:, :-1].sum(axis=1)
with open(f"{folder}/cl.csv", "w") as f:
    f.write("item,label," + ",".join(f"proba[c{j}]" for j in range(k)) + "\n")
    for i in range(n):
        f.write(f"i{i},c{given[i]}," + ",".join(f"{x:.6f}" for x in probs[i]) + "\n")
times = []
for _ in range(5):
    start = time.perf_counter()
    subprocess.run([mlw, "stats", "label-issues", f"{folder}/cl.csv", "--json"], check=True, stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
from cleanlab.filter import find_label_issues
cl = []
for _ in range(5):
    start = time.perf_counter()
    find_label_issues(given, probs, return_indices_ranked_by="self_confidence", n_jobs=1)
    cl.append(time.perf_counter() - start)
m, c = sorted(times)[2], sorted(cl)[2]
print(f"{'mlw stats label-issues (whole process, CSV)':<44} median {m * 1000:7.1f} ms")
print(f"{'cleanlab find_label_issues (in Python)':<44} median {c * 1000:7.1f} ms   ratio mlw/cleanlab {m / c:.2f}")
PY
