#!/usr/bin/env python3
"""Write a synthetic ratings CSV (unit,coder,value) for the agreement benchmarks.

Usage: make_ratings.py PATH UNITS CODERS CATEGORIES MISSING [SEED]
Each unit has a true category; each coder reports it with probability 0.8, else a random one;
each rating is missing with probability MISSING. Units left with fewer than two ratings get
their missing ratings filled back in, so that every unit is pairable.
"""
import sys

import numpy as np

path, units, coders, q, missing = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rng = np.random.default_rng(int(sys.argv[6]) if len(sys.argv) > 6 else 7)
truth = rng.integers(0, q, units)
noise = rng.integers(0, q, (units, coders))
agree = rng.random((units, coders)) < 0.8
values = np.where(agree, truth[:, None], noise) + 1
present = rng.random((units, coders)) >= missing
present[present.sum(axis=1) < 2] = True
with open(path, "w") as f:
    f.write("unit,coder,value\n")
    lines = []
    for u in range(units):
        for c in range(coders):
            if present[u, c]:
                lines.append(f"u{u},c{c},{values[u, c]}\n")
    f.writelines(lines)
print(f"{path}: {int(present.sum())} ratings")
