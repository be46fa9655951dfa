#!/usr/bin/env python3
"""Time mlw and a Python reference on the same input, whole process, in one run.

Each command runs RUNS times, alternating; the table gives the median wall time of each, the
ratio (reference / mlw) against its target, and mlw's peak resident memory (from wait4).
Usage: compare.py RUNS MLW_BINARY DATA_FOLDER
"""
import os
import statistics
import subprocess
import sys
import time

runs, mlw, data = int(sys.argv[1]), sys.argv[2], sys.argv[3]
here = os.path.dirname(os.path.abspath(__file__))
reference = [sys.executable, os.path.join(here, "reference_stats.py")]


def measure(argv):
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(argv)}: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024  # MiB


cases = [
    ("alpha nominal, 100k units x 5 coders, 5 cat.", "a5.csv", ["--level", "nominal"], ["alpha", "nominal"], 5),
    ("alpha nominal, 100k units x 3 coders, 50 cat.", "a50.csv", ["--level", "nominal"], ["alpha", "nominal"], 20),
    ("alpha interval, 20k units x 4 coders, 100 values", "i100.csv", ["--level", "interval"], ["alpha", "interval"], 10),
    ("alpha ordinal, 20k units x 4 coders, 100 values", "i100.csv", ["--level", "ordinal"], ["alpha", "ordinal"], 10),
    ("Fleiss' kappa (statsmodels), 100k units x 5", "f5.csv", [], ["fleiss"], 3),
    ("Cohen's kappa (scikit-learn), 100k units x 2", "c2.csv", [], ["cohen"], 3),
]
print(f"{'case':<50} {'mlw':>9} {'reference':>10} {'ratio':>7} {'target':>7} {'mlw peak':>9}")
for label, name, mlw_args, ref_args, target in cases:
    path = os.path.join(data, name)
    ours, theirs, memory = [], [], 0.0
    for _ in range(runs):
        t, m = measure([mlw, "stats", "agreement", path, "--bootstrap", "0", "--json", *mlw_args])
        ours.append(t)
        memory = max(memory, m)
        theirs.append(measure(reference + [ref_args[0], path, *ref_args[1:]])[0])
    a, b = statistics.median(ours), statistics.median(theirs)
    verdict = "ok" if b / a >= target else "MISSED"
    print(f"{label:<50} {a * 1000:7.0f}ms {b * 1000:8.0f}ms {b / a:6.1f}x {target:>5}x  {memory:6.0f}MiB {verdict}")

# The default command, 1,000-draw bootstrap intervals included, against the reference computing
# alpha alone (no interval), and the bootstrap's share of mlw's time.
print()
print(f"{'default command (1,000-draw intervals) vs alpha alone':<50} {'mlw':>9} {'reference':>10} {'ratio':>7} {'target':>7} {'bootstrap':>9}")
default_cases = [
    ("alpha nominal, 100k x 3 coders, 50 cat.", "a50.csv", ["--level", "nominal"], ["alpha", "nominal"], 20),
    ("alpha nominal, 100k x 5 coders, 5 cat., 10% miss.", "a5.csv", ["--level", "nominal"], ["alpha", "nominal"], 5),
    ("alpha interval, 20k x 4 coders, 100 values", "i100.csv", ["--level", "interval"], ["alpha", "interval"], 10),
    ("alpha ordinal, 20k x 4 coders, 100 values", "i100.csv", ["--level", "ordinal"], ["alpha", "ordinal"], 5),
]
for label, name, mlw_args, ref_args, target in default_cases:
    path = os.path.join(data, name)
    ours, bare, theirs = [], [], []
    for _ in range(runs):
        ours.append(measure([mlw, "stats", "agreement", path, "--json", *mlw_args])[0])
        bare.append(measure([mlw, "stats", "agreement", path, "--bootstrap", "0", "--json", *mlw_args])[0])
        theirs.append(measure(reference + [ref_args[0], path, *ref_args[1:]])[0])
    a, z, b = statistics.median(ours), statistics.median(bare), statistics.median(theirs)
    verdict = "ok" if b / a >= target else "MISSED"
    share = max(0.0, (a - z) / a)
    print(f"{label:<50} {a * 1000:7.0f}ms {b * 1000:8.0f}ms {b / a:6.1f}x {target:>5}x  {share * 100:7.0f}%  {verdict}")

path = os.path.join(data, "m1.csv")
peaks, times = [], []
for _ in range(runs):
    t, m = measure([mlw, "stats", "agreement", path, "--bootstrap", "0", "--json"])
    times.append(t)
    peaks.append(m)
verdict = "ok" if max(peaks) < 200 else "MISSED"
print(f"{'1,000,000 ratings read and scored (all figures)':<50} {statistics.median(times) * 1000:7.0f}ms {'':>10} {'':>7} {'':>7}  {max(peaks):6.0f}MiB {verdict} (target < 200 MiB)")
