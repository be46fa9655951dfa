#!/usr/bin/env python3
"""Run a command N times and print the median and 90th percentile wall time of the whole process.

Usage: timeit.py N LABEL -- COMMAND [ARG ...]
"""
import statistics
import subprocess
import sys
import time

def main():
    runs, label = int(sys.argv[1]), sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1:]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # warm the page cache once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p90 = times[int(0.9 * (len(times) - 1))]
    print(f"{label:<44} median {statistics.median(times):7.1f} ms   p90 {p90:7.1f} ms   ({runs} runs)")

if __name__ == "__main__":
    main()
