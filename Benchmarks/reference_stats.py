#!/usr/bin/env python3
"""The Python reference side of Benchmarks/stats.sh, run as a whole process like mlw is.

Usage: reference_stats.py alpha FILE LEVEL | fleiss FILE | cohen FILE
Reads the ratings CSV with pandas, reshapes it as the package needs, computes, prints the value.
"""
import sys

import pandas as pd

task, path = sys.argv[1], sys.argv[2]
frame = pd.read_csv(path)
if task == "alpha":
    import krippendorff

    matrix = frame.pivot(index="coder", columns="unit", values="value").to_numpy(dtype=float)
    print(krippendorff.alpha(reliability_data=matrix, level_of_measurement=sys.argv[3]))
elif task == "fleiss":
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    wide = frame.pivot(index="unit", columns="coder", values="value").to_numpy()
    print(fleiss_kappa(aggregate_raters(wide)[0]))
elif task == "cohen":
    from sklearn.metrics import cohen_kappa_score

    wide = frame.pivot(index="unit", columns="coder", values="value")
    print(cohen_kappa_score(wide.iloc[:, 0], wide.iloc[:, 1]))
