#!/usr/bin/env python3
"""Cross-check every statistic of `mlw stats` against the Python reference implementations on
randomised inputs, and report the largest difference seen per quantity.

References: krippendorff (alpha, four levels), irrCAC (Fleiss generalised, Gwet AC1/AC2,
Brennan-Prediger, Conger, percent agreement; weighted), statsmodels (Fleiss and Randolph kappa on
complete data, two-proportion z-test), scikit-learn (Cohen's kappa, classification metrics),
scipy (KS exact, chi-square, Jensen-Shannon, Wasserstein); statsmodels' multipletests for the
Benjamini-Hochberg and Bonferroni corrections across drift columns. PSI has no reference package; it is
checked against a direct numpy transcription of its formula.

Usage: crosscheck.py [--mlw PATH] [--cases N] [--seed S]; exits 1 if any difference > 1e-9 or
if mlw and a reference disagree on whether a value is defined.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings
from collections import defaultdict

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

import krippendorff  # noqa: E402
from irrCAC.raw import CAC  # noqa: E402
from scipy import stats as sps  # noqa: E402
from scipy.spatial.distance import jensenshannon  # noqa: E402
from sklearn import metrics as skm  # noqa: E402
from statsmodels.stats import inter_rater as ir  # noqa: E402
from statsmodels.stats.multitest import multipletests  # noqa: E402
from statsmodels.stats.proportion import proportions_ztest  # noqa: E402

TOLERANCE = 1e-9
worst = defaultdict(float)
compared = defaultdict(int)
failures = []


def mlw(binary, *args):
    done = subprocess.run([binary, *args, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mlw {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def check(name, ours, reference, context):
    """Compare a value; an undefined value must meet a NaN/inf/error on the reference side."""
    ours_undefined = isinstance(ours, dict) and "undefined" in ours
    ref_undefined = reference is None or (isinstance(reference, float) and not math.isfinite(reference))
    if ours_undefined or ref_undefined:
        if ours_undefined != ref_undefined:
            failures.append(f"{name}: mlw {ours} vs reference {reference} ({context})")
        compared[name + " (undefined both)"] += 1
        return
    difference = abs(float(ours) - float(reference))
    compared[name] += 1
    worst[name] = max(worst[name], difference)
    if difference > TOLERANCE:
        failures.append(f"{name}: mlw {ours} vs reference {reference}, difference {difference:.3g} ({context})")


def safe(f):
    try:
        value = f()
        return float(value)
    except Exception:
        return None


# ---------------------------------------------------------------- agreement

def random_ratings(rng):
    units = int(rng.integers(5, 120))
    coders = int(rng.integers(2, 7))
    q = int(rng.choice([1, 2, 3, 5, 8])) if rng.random() < 0.9 else 1
    skew = rng.dirichlet(np.ones(q) * rng.choice([0.3, 1.0, 5.0]))
    missing = float(rng.choice([0.0, 0.0, 0.1, 0.3, 0.5]))
    values = np.sort(rng.choice(np.arange(1, 40), size=q, replace=False))
    matrix = np.full((coders, units), np.nan)
    for u in range(units):
        truth = rng.choice(q, p=skew)
        for c in range(coders):
            if rng.random() < missing:
                continue
            k = truth if rng.random() < rng.uniform(0.4, 0.95) else rng.choice(q, p=skew)
            matrix[c, u] = values[k]
    # A unit or a coder exists in a file only through a rating: drop empty ones on both sides
    # (irrCAC would count a coder without ratings and return NaN for Conger's kappa).
    matrix = matrix[:, ~np.all(np.isnan(matrix), axis=0)]
    return matrix[~np.all(np.isnan(matrix), axis=1), :]


def write_ratings(matrix, path):
    with open(path, "w") as f:
        f.write("unit,coder,value\n")
        for c in range(matrix.shape[0]):
            for u in range(matrix.shape[1]):
                v = matrix[c, u]
                f.write(f"u{u},c{c},{'' if math.isnan(v) else int(v)}\n")


def agreement_case(binary, rng, folder, index):
    matrix = random_ratings(rng)
    if matrix.shape[1] == 0 or matrix.shape[0] < 2:
        return
    path = os.path.join(folder, f"ratings-{index}.csv")
    write_ratings(matrix, path)
    frame = pd.DataFrame(matrix.T)  # units x coders
    context = f"ratings case {index}, {matrix.shape[1]} units x {matrix.shape[0]} coders"
    complete = not np.isnan(matrix).any()

    for level in ["nominal", "ordinal", "interval", "ratio"]:
        ours = mlw(binary, "stats", "agreement", path, "--level", level, "--bootstrap", "0")
        pairable = np.sum((~np.isnan(matrix)).sum(axis=0) >= 2) > 0
        distinct = len(np.unique(matrix[:, (~np.isnan(matrix)).sum(axis=0) >= 2][~np.isnan(matrix[:, (~np.isnan(matrix)).sum(axis=0) >= 2])])) if pairable else 0
        reference = safe(lambda: krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)) if pairable and distinct >= 2 else None
        check(f"krippendorffAlpha.{level}", ours["krippendorffAlpha"], reference, context)

        if level == "nominal":
            # Units with one rating are kept by default (issue: agreement refused ordinary data).
            check("singleRatedUnits", ours["singleRatedUnits"], float(np.sum((~np.isnan(matrix)).sum(axis=0) == 1)), context)
            cac = CAC(frame.copy(), digits=20)
            n2 = np.sum((~np.isnan(matrix)).sum(axis=0) >= 2)
            q = len(np.unique(matrix[~np.isnan(matrix)]))
            for key, method in [("fleissKappa", "fleiss"), ("gwetAC1", "gwet"), ("brennanPrediger", "bp"), ("congerKappa", "conger")]:
                result = None
                if n2 > 0 and q >= 2:
                    result = safe(lambda: getattr(CAC(frame.copy(), digits=20), method)()["est"]["coefficient_value"])
                check(key, ours[key], result, context)
            # gwet() reports p_a even for one category (fleiss() divides by zero there).
            pa = safe(lambda: cac.gwet()["est"]["pa"]) if n2 > 0 else None
            check("percentAgreement", ours["percentAgreement"], pa, context)
            if complete and q >= 2:
                table, _ = ir.aggregate_raters(matrix.T.astype(int))
                check("fleissKappa (statsmodels, complete)", ours["fleissKappa"], safe(lambda: ir.fleiss_kappa(table, method="fleiss")), context)
                check("randolphKappa (statsmodels, complete)", ours["randolphKappa"], safe(lambda: ir.fleiss_kappa(table, method="randolph")), context)
            if matrix.shape[0] == 2:
                both = ~np.isnan(matrix).any(axis=0)
                a, b = matrix[0, both].astype(int), matrix[1, both].astype(int)
                ref = safe(lambda: skm.cohen_kappa_score(a, b)) if both.any() else None
                check("cohenKappa", ours["cohenKappa"], ref, context)
        else:
            weights = {"ordinal": "ordinal", "interval": "quadratic", "ratio": "ratio"}[level]
            n2 = np.sum((~np.isnan(matrix)).sum(axis=0) >= 2)
            q = len(np.unique(matrix[~np.isnan(matrix)]))
            if n2 > 0 and q >= 2:
                check(f"gwetAC2.{weights}", ours["weighted"]["gwetAC2"],
                      safe(lambda: CAC(frame.copy(), weights=weights, digits=20).gwet()["est"]["coefficient_value"]), context)
                check(f"fleissKappa.{weights}", ours["weighted"]["fleissKappa"],
                      safe(lambda: CAC(frame.copy(), weights=weights, digits=20).fleiss()["est"]["coefficient_value"]), context)
                check(f"brennanPrediger.{weights}", ours["weighted"]["brennanPrediger"],
                      safe(lambda: CAC(frame.copy(), weights=weights, digits=20).bp()["est"]["coefficient_value"]), context)
                check(f"congerKappa.{weights}", ours["weighted"]["congerKappa"],
                      safe(lambda: CAC(frame.copy(), weights=weights, digits=20).conger()["est"]["coefficient_value"]), context)
            if matrix.shape[0] == 2 and level == "interval":
                both = ~np.isnan(matrix).any(axis=0)
                a, b = matrix[0, both].astype(int), matrix[1, both].astype(int)
                for w, key in [("linear", "cohenKappaLinear"), ("quadratic", "cohenKappaQuadratic")]:
                    ref = safe(lambda: skm.cohen_kappa_score(a, b, weights=w)) if both.any() else None
                    check(f"cohenKappa.{w}", ours["weighted"][key], ref, context)


# ---------------------------------------------------------------- classification

def classification_case(binary, rng, folder, index):
    n = int(rng.integers(5, 400))
    k = int(rng.choice([2, 2, 3, 4, 6]))
    shares = rng.dirichlet(np.ones(k) * rng.choice([0.2, 1.0, 5.0]))
    truth = rng.choice(k, size=n, p=shares)
    noise = rng.uniform(0.05, 0.9)
    prediction = np.where(rng.random(n) < noise, rng.choice(k, size=n), truth)
    path = os.path.join(folder, f"predictions-{index}.csv")
    with_scores = k == 2
    scores = np.round(np.clip(truth * 0.4 + rng.normal(0.3, 0.3, n), 0, 1), int(rng.choice([1, 2, 6])))
    with open(path, "w") as f:
        f.write("truth,prediction" + (",score" if with_scores else "") + "\n")
        for i in range(n):
            f.write(f"{truth[i]},{prediction[i]}" + (f",{scores[i]}" if with_scores else "") + "\n")
    args = ["stats", "classification", path] + (["--positive", "1"] if with_scores and 1 in set(truth) | set(prediction) else [])
    if with_scores and "--positive" not in args:
        return
    ours = mlw(binary, *args)
    context = f"classification case {index}, n={n}, k={k}"
    labels = sorted(set(truth) | set(prediction))
    cm = skm.confusion_matrix(truth, prediction, labels=labels)
    if cm.tolist() != ours["confusionMatrix"]:
        failures.append(f"confusionMatrix differs ({context})")
    compared["confusionMatrix"] += 1
    p, r, f1, s = skm.precision_recall_fscore_support(truth, prediction, labels=labels, zero_division=0)
    for i, row in enumerate(ours["perClass"]):
        ours_p = row["precision"] if not isinstance(row["precision"], dict) else 0.0
        ours_r = row["recall"] if not isinstance(row["recall"], dict) else 0.0
        check("perClass.precision", ours_p, p[i], context)
        check("perClass.recall", ours_r, r[i], context)
        check("perClass.f1", row["f1"], f1[i], context)
    for average in ["micro", "macro", "weighted"]:
        pa, ra, fa, _ = skm.precision_recall_fscore_support(truth, prediction, labels=labels, average=average, zero_division=0)
        check(f"{average}.precision", ours[average]["precision"], pa, context)
        check(f"{average}.recall", ours[average]["recall"], ra, context)
        check(f"{average}.f1", ours[average]["f1"], fa, context)
    check("accuracy", ours["accuracy"], skm.accuracy_score(truth, prediction), context)
    check("balancedAccuracy", ours["balancedAccuracy"], safe(lambda: skm.balanced_accuracy_score(truth, prediction)), context)
    check("cohenKappa (classification)", ours["cohenKappa"], safe(lambda: skm.cohen_kappa_score(truth, prediction)), context)
    t_sum, p_sum = cm.sum(axis=1), cm.sum(axis=0)
    mcc_defined = (n * n - np.dot(p_sum, p_sum)) * (n * n - np.dot(t_sum, t_sum)) > 0
    check("mcc", ours["mcc"], skm.matthews_corrcoef(truth, prediction) if mcc_defined else None, context)
    if with_scores:
        positive = truth == 1
        ap = safe(lambda: skm.average_precision_score(positive, scores)) if positive.any() else None
        auc = safe(lambda: skm.roc_auc_score(positive, scores)) if 0 < positive.sum() < n else None
        check("averagePrecision", ours["averagePrecision"], ap, context)
        check("rocAuc", ours["rocAuc"], auc, context)


# ---------------------------------------------------------------- drift

def drift_case(binary, rng, folder, index):
    n_ref = int(rng.integers(5, 300))
    n_cur = int(rng.integers(5, 300))
    shift = rng.choice([0.0, 0.0, 0.2, 1.0])
    ref_num = np.round(rng.normal(0, 1, n_ref), int(rng.choice([1, 3, 8])))
    cur_num = np.round(rng.normal(shift, 1, n_cur), int(rng.choice([1, 3, 8])))
    cats = ["a", "b", "c", "d"][: int(rng.integers(2, 5))]
    ref_cat = rng.choice(cats, n_ref)
    cur_cat = rng.choice(cats, n_cur, p=rng.dirichlet(np.ones(len(cats))))
    ref_bin = rng.choice(["yes", "no"], n_ref)
    cur_bin = rng.choice(["yes", "no"], n_cur, p=[0.5 + shift / 3, 0.5 - shift / 3])
    ref_path, cur_path = os.path.join(folder, f"ref-{index}.csv"), os.path.join(folder, f"cur-{index}.csv")
    pd.DataFrame({"x": ref_num, "colour": ref_cat, "flag": ref_bin}).to_csv(ref_path, index=False)
    pd.DataFrame({"x": cur_num, "colour": cur_cat, "flag": cur_bin}).to_csv(cur_path, index=False)
    context = f"drift case {index}, {n_ref} vs {n_cur} rows"

    def run(test, column):
        out = mlw(binary, "stats", "drift", "--reference", ref_path, "--current", cur_path, "--test", test, "--column", column)
        return out["columns"][0]

    ks = run("ks", "x")
    reference = sps.ks_2samp(ref_num, cur_num, method="exact")
    check("ks.statistic", ks["statistic"], reference.statistic, context)
    check("ks.pValue", ks["pValue"], reference.pvalue, context)
    check("wasserstein.normed", run("wasserstein", "x")["statistic"],
          sps.wasserstein_distance(ref_num, cur_num) / max(np.std(ref_num), 0.001), context)
    chi = run("chi2", "colour")
    categories = sorted(set(ref_cat) | set(cur_cat))
    table = np.array([[np.sum(ref_cat == c) for c in categories], [np.sum(cur_cat == c) for c in categories]])
    if len(categories) >= 2:
        stat, p, _, _ = sps.chi2_contingency(table, correction=False)
        check("chi2.statistic", chi["statistic"], stat, context)
        check("chi2.pValue", chi["pValue"], p, context)
    r_share, c_share = table[0] / table[0].sum(), table[1] / table[1].sum()
    check("js (categorical)", run("js", "colour")["statistic"], jensenshannon(r_share, c_share), context)
    floor_r, floor_c = np.maximum(r_share, 0.0001), np.maximum(c_share, 0.0001)
    check("psi (categorical, numpy formula)", run("psi", "colour")["statistic"], float(np.sum((floor_r - floor_c) * np.log(floor_r / floor_c))), context)
    edges = np.unique(np.quantile(ref_num, np.arange(1, 10) / 10))
    r_bins = np.bincount(np.searchsorted(edges, ref_num, side="left"), minlength=len(edges) + 1) / n_ref
    c_bins = np.bincount(np.searchsorted(edges, cur_num, side="left"), minlength=len(edges) + 1) / n_cur
    check("js (numeric, reference deciles)", run("js", "x")["statistic"], jensenshannon(r_bins, c_bins), context)
    z = run("ztest", "flag")
    values = sorted(set(ref_bin) | set(cur_bin))
    counts = np.array([np.sum(ref_bin == values[0]), np.sum(cur_bin == values[0])])
    if len(values) == 2 and 0 < counts.sum() < n_ref + n_cur:
        zs, zp = proportions_ztest(counts, np.array([n_ref, n_cur]))
        check("ztest.statistic", z["statistic"], zs, context)
        check("ztest.pValue", z["pValue"], zp, context)
    # The corrections across the columns the default rule tests by p-value, against statsmodels.
    for method, reference_method in (("bh", "fdr_bh"), ("bonferroni", "bonferroni")):
        out = mlw(binary, "stats", "drift", "--reference", ref_path, "--current", cur_path, "--correction", method)
        tested = [c for c in out["columns"] if isinstance(c.get("pValue"), (int, float))]
        if not tested:
            continue
        _, adjusted, _, _ = multipletests([c["pValue"] for c in tested], method=reference_method)
        for column, expected in zip(tested, adjusted):
            check(f"correction.{method}", column["adjustedPValue"], expected, context)
            drifted = expected <= 0.05 if column["test"] == "ks" else expected < 0.05
            compared[f"correction.{method}.verdict"] += 1
            if column["drifted"] != drifted:
                failures.append(f"correction.{method}: {column['column']} drifted={column['drifted']}, adjusted p {expected} ({context})")


# ---------------------------------------------------------------- ranking

def rank_case(binary, rng, folder, index):
    n = int(rng.integers(2, 12))
    frame = pd.DataFrame({"model": [f"m{i}" for i in range(n)],
                          "precision": np.round(rng.random(n), 3), "recall": np.round(rng.random(n), 3)})
    path = os.path.join(folder, f"models-{index}.csv")
    frame.to_csv(path, index=False)
    ours = mlw(binary, "stats", "rank", path, "--weights", "precision=2,recall=1")
    expected = (2 * frame.precision + frame.recall) / 3
    got = {m["model"]: m["score"] for m in ours["models"]}
    for name, value in zip(frame.model, expected):
        check("rank.weightedAverage", got[name], value, f"rank case {index}")
    scores = [m["score"] for m in ours["models"]]
    compared["rank.order"] += 1
    if scores != sorted(scores, reverse=True):
        failures.append(f"rank order not descending (rank case {index})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mlw", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "mlw"))
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.cases):
            agreement_case(args.mlw, rng, folder, i)
            classification_case(args.mlw, rng, folder, i)
            drift_case(args.mlw, rng, folder, i)
            rank_case(args.mlw, rng, folder, i)
    width = max(len(k) for k in compared)
    print(f"{'quantity':<{width}}  {'compared':>8}  largest difference")
    for name in sorted(compared):
        shown = f"{worst[name]:.2e}" if name in worst else "-"
        print(f"{name:<{width}}  {compared[name]:>8}  {shown}")
    for failure in failures[:40]:
        print("FAIL", failure)
    print(f"crosscheck: {sum(compared.values())} comparisons, {len(failures)} failures (tolerance {TOLERANCE})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
