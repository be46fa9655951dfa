"""MLflow's search_runs over the same runs as an mlw workspace, in MLflow's SQLite store.

Usage: mlflow_search.py MLW ROOT WORKSPACE FOLDER REPEAT
  Reads every run of the workspace (`mlw engineer run list --json`: params, tags, each metric's
  latest value), logs them to a SQLite tracking store in FOLDER with the MLflow client
  (create_run, then one log_batch per run), then times search_runs in Python (imports and the
  store's set-up excluded) with the benchmark's filter as close as MLflow's syntax allows:
  MLflow has no `or`, and `in` only for run ids and datasets, so `(params.optimizer = 'adam' or
  params.lr in (0.001, 0.0003))` is three searches whose results are merged, newest first, and
  cut to 20 as `--limit 20` does. Prints
  the median, the number of runs each side matched (computed without a limit, not timed).
"""

import json
import os
import statistics
import subprocess
import sys
import time

mlw, root, workspace, folder, repeat = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
listing = json.loads(
    subprocess.run(
        [mlw, "engineer", "run", "list", "--root", root, "-w", workspace, "--limit", "1000000", "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
)
runs = listing["runs"]

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
from mlflow.entities import Metric, Param, RunTag  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

client = MlflowClient(tracking_uri=f"sqlite:///{folder}/mlflow.db")
experiment = client.create_experiment("bench")
start = time.time()
base = int(time.time() * 1000)
for k, run in enumerate(runs):
    created = client.create_run(experiment, start_time=base + k, tags={"mlw.id": run["id"]})
    rid = created.info.run_id
    ts = base + k
    client.log_batch(
        rid,
        metrics=[Metric(name, float(value), ts, 1) for name, value in run["metrics"].items() if isinstance(value, (int, float))],
        params=[Param(name, str(value).lower() if isinstance(value, bool) else str(value)) for name, value in run["params"].items()],
        tags=[RunTag(name, value) for name, value in run["tags"].items()],
    )
    client.set_terminated(rid)
loaded = time.time() - start

common = "metrics.`dev.f1` > 0.8 and tags.stage != 'debug'"
branches = [f"{common} and params.optimizer = 'adam'", f"{common} and params.lr = '0.001'", f"{common} and params.lr = '0.0003'"]


def search(limit):
    seen = {}
    for branch in branches:
        for r in client.search_runs([experiment], branch, max_results=limit, order_by=["attributes.start_time DESC"]):
            seen[r.info.run_id] = r
    return sorted(seen.values(), key=lambda r: -r.info.start_time)[:limit]


times = []
for _ in range(repeat):
    began = time.perf_counter()
    found = search(20)
    times.append(time.perf_counter() - began)
matched = len(search(50000))
median = statistics.median(times)
print(f"(MLflow store of {len(runs)} runs written by its client in {loaded:.0f} s)")
print(f"{'MLflow search_runs, SQLite, 3 searches merged':<44} median {median * 1000:7.1f} ms   matched {matched}")
print(f"MLFLOW_MEDIAN_MS={median * 1000:.1f}")
