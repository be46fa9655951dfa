#!/usr/bin/env python3
"""Time an annotator's loop, whole process: `mlw annotator next`, then `submit` of the item it
showed, N times, and the process start-up floor (`mlw --help`) in the same run; print medians.

Usage: labeling.py MLW ROOT WORKSPACE ANNOTATOR N
"""
import json
import statistics
import subprocess
import sys
import time

def timed(command):
    start = time.perf_counter()
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE).stdout
    return (time.perf_counter() - start) * 1000, out

def main():
    mlw, root, workspace, annotator, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    common = ["--root", root, "-w", workspace, "--as", annotator]
    labels = ["ok", "bridge", "void", "tombstone"]
    nexts, submits, floors = [], [], []
    for k in range(n):
        t, out = timed([mlw, "annotator", "next", "--json"] + common)
        nexts.append(t)
        items = json.loads(out)["items"]
        if not items:
            break
        t, _ = timed([mlw, "annotator", "submit", items[0]["item"], labels[k % 4]] + common)
        submits.append(t)
        floors.append(timed([mlw, "--help"])[0])
    for label, times in [("mlw annotator next", nexts), ("mlw annotator submit (fsync)", submits), ("mlw --help (start-up floor)", floors)]:
        times.sort()
        p90 = times[int(0.9 * (len(times) - 1))]
        print(f"{label:<44} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms   ({len(times)} runs)")

if __name__ == "__main__":
    main()
