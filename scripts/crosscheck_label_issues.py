#!/usr/bin/env python3
"""Cross-check `mlw stats label-issues` against cleanlab 2.9.0's `filter.find_label_issues`.

Each case draws K classes (2 to 10), n items (50 to 2000) and a noise rate (0 to 40%); true
labels from a skewed class prior, out-of-sample-like predicted probabilities from a Dirichlet
around the true class (each case its own model quality), and given labels flipped to another
class at the noise rate. Some cases leave one class with no given label, or with a single one;
every fifth case rounds the probabilities down to multiples of 1/32 (the last class takes the
rest, so rows still sum to 1 exactly), which makes equal values common. The file is written as
CSV (item, label, proba[...], every double in full), `mlw stats label-issues FILE --json` is
run, and its issues must equal cleanlab's, in order, with
`return_indices_ranked_by='self_confidence'`, and as a set with the default (mask) call; each
issue's `suspected` must be the class of highest probability.

Ties. cleanlab orders values with numpy's default `argsort`, which is not stable: equal values
come out in an order that depends on numpy's version and the CPU (on AVX-512 machines numpy
1.26 sorts with x86-simd-sort's networks; elsewhere small arrays come out in index order). Where
that order matters -- in `round_preserving_sum` when two classes in one row of the confident
joint have equal counts, in the prune step and the ranking when two items have equal margins
or self-confidence -- cleanlab's answer itself depends on the machine. mlw breaks every tie by
index, as a stable argsort does. So when mlw differs from cleanlab, cleanlab is run again with
numpy's `argsort` made stable (nothing else changed); if mlw equals that, the case counts as
tie-dependent, not as a mismatch, and its line names the items the tie order moved.

Usage: crosscheck_label_issues.py [--mlw PATH] [--cases N] [--seed S]; prints one line per case
and a summary line `crosscheck_label_issues: N cases compared, M mismatches, T tie-dependent`;
exits 1 on any mismatch.
"""
import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np

warnings.filterwarnings("ignore")

from cleanlab.filter import find_label_issues  # noqa: E402


def make_case(rng, coarse):
    """Given labels and predicted probabilities for one random dataset, and a note on its shape."""
    k = int(rng.integers(2, 11))
    n = int(rng.integers(50, 2001))
    noise = float(rng.uniform(0.0, 0.4))
    prior = rng.dirichlet(np.full(k, 2.0))
    truth = rng.choice(k, size=n, p=prior)
    # A model of this case's quality: the Dirichlet's weight on the true class.
    strength = float(rng.uniform(1.0, 12.0))
    spread = float(rng.uniform(0.3, 2.0))
    alphas = np.full((n, k), spread)
    alphas[np.arange(n), truth] += strength
    probabilities = rng.gamma(alphas)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    note = ""
    if coarse:
        probabilities[:, :-1] = np.floor(probabilities[:, :-1] * 32) / 32
        probabilities[:, -1] = 1 - probabilities[:, :-1].sum(axis=1)
        note += " coarse"
    given = truth.copy()
    flip = rng.random(n) < noise
    given[flip] = (truth[flip] + rng.integers(1, k, size=flip.sum())) % k
    shape = rng.random()
    if shape < 0.1:
        # A class nobody is labelled: its items are given the next class.
        empty = int(rng.integers(k))
        given[given == empty] = (empty + 1) % k
        note += f" class {empty} empty"
    elif shape < 0.2:
        # A class with exactly one given label.
        single = int(rng.integers(k))
        members = np.flatnonzero(given == single)
        given[members[1:]] = (single + 1) % k
        note += f" class {single} single"
    if len(np.unique(given)) < 2:
        given[0] = (given[0] + 1) % k
    return k, n, noise, given, probabilities, note


@contextlib.contextmanager
def stable_argsort():
    """numpy's argsort with ties in index order, for cleanlab's modules too (they call np.argsort)."""
    original = np.argsort
    np.argsort = lambda values, *args, **kwargs: original(values, kind="stable")
    try:
        yield
    finally:
        np.argsort = original


def cleanlab_issues(given, probabilities):
    """cleanlab's issues ranked by self-confidence, and the set from its default (mask) call.

    `n_jobs=1`: cleanlab's result does not depend on it (its docs say so), and a process pool
    hangs when SIGTERM is blocked, as it is under the Swift test runner (the pool stops its
    workers with SIGTERM)."""
    ranked = find_label_issues(given, probabilities, return_indices_ranked_by="self_confidence", n_jobs=1)
    mask = find_label_issues(given, probabilities, n_jobs=1)
    return [int(i) for i in ranked], set(int(i) for i in np.flatnonzero(mask))


def write_csv(path, names, given, probabilities):
    with open(path, "w") as out:
        out.write(",".join(["item", "label"] + [f"proba[{name}]" for name in names]) + "\n")
        for i, (label, row) in enumerate(zip(given, probabilities)):
            out.write(",".join([str(i), names[label]] + [repr(float(p)) for p in row]) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mlw", default=os.path.join(os.path.dirname(__file__), "..", ".build", "debug", "mlw"))
    parser.add_argument("--cases", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261122)
    arguments = parser.parse_args()
    rng = np.random.default_rng(arguments.seed)
    mismatches = 0
    ties = 0
    with tempfile.TemporaryDirectory() as folder:
        for case in range(1, arguments.cases + 1):
            k, n, noise, given, probabilities, note = make_case(rng, coarse=case % 5 == 0)
            header = f"case {case}: K={k} n={n} noise={noise:.2f}{note}"
            # Class names: numbers in some cases, words in others (the file names classes, not indices).
            names = [str(c) for c in range(k)] if case % 2 else [f"class_{c}" for c in range(k)]
            path = os.path.join(folder, f"case{case}.csv")
            write_csv(path, names, given, probabilities)
            done = subprocess.run([arguments.mlw, "stats", "label-issues", path, "--json"], capture_output=True, text=True)
            if done.returncode != 0:
                mismatches += 1
                print(f"{header}: MISMATCH mlw failed: {done.stderr.strip()}")
                continue
            output = json.loads(done.stdout)
            ours = [int(issue["item"]) for issue in output["issues"]]

            ranked, unranked = cleanlab_issues(given, probabilities)
            moved = None
            if ours != ranked or set(ours) != unranked:
                with stable_argsort():
                    stable_ranked, stable_unranked = cleanlab_issues(given, probabilities)
                if (stable_ranked, stable_unranked) != (ranked, unranked) and (ours, set(ours)) == (stable_ranked, stable_unranked):
                    changed = [i for i, (a, b) in enumerate(zip(ranked, stable_ranked)) if a != b]
                    moved = sorted(set(ranked) ^ set(stable_ranked)) or [ranked[i] for i in changed]
                    ranked, unranked = stable_ranked, stable_unranked

            problems = []
            if ours != ranked:
                only_ours = sorted(set(ours) - set(ranked))
                only_theirs = sorted(set(ranked) - set(ours))
                problems.append(f"ranked lists differ (only mlw: {only_ours[:10]}, only cleanlab: {only_theirs[:10]})")
            if set(ours) != unranked:
                problems.append(f"the set differs from the mask call's ({len(ours)} vs {len(unranked)} items)")
            if output["items"] != n or output["classes"] != names:
                problems.append("items or classes differ")
            wrong = [i["item"] for i in output["issues"] if i["suspected"] != names[int(np.argmax(probabilities[int(i["item"])]))]]
            if wrong:
                problems.append(f"suspected is not the argmax for items {wrong[:10]}")
            if problems:
                mismatches += 1
                print(f"{header}: MISMATCH {'; '.join(problems)}")
            elif moved is not None:
                ties += 1
                print(f"{header}: {len(ours)} issues, equal to cleanlab with a stable argsort (tie-dependent: stock numpy moves items {moved[:10]})")
            else:
                print(f"{header}: {len(ours)} issues, identical")
    print(f"crosscheck_label_issues: {arguments.cases} cases compared, {mismatches} mismatches, {ties} tie-dependent")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
