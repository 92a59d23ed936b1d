#!/usr/bin/env python3
"""Scores the agreement drafter on a development set, then cross-checks its thresholds:
choose them on one half of the requirements (split by a hash of the id, so no ordering is
used) and score the other half with what was chosen, in both directions.

    python3 tools/eval_drafter.py --bin .build/release/detente --dataset ../shared/data/workshop/dev-set.json
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

GROUP_GRID = [0.4, 0.45, 0.5, 0.55, 0.6, 0.65]
TRADE_GRID = [0.3, 0.4, 0.5, 0.6, 0.8]


def run(bin_, dataset, out, group=None, trade=None):
    cmd = [bin_, "analyse", "--dataset", dataset, "--predictions", out]
    if group is not None:
        cmd += ["--group-threshold", str(group)]
    if trade is not None:
        cmd += ["--trade-threshold", str(trade)]
    subprocess.run(cmd, check=True)


def score(scorer, dataset, preds):
    return subprocess.run([sys.executable, scorer, dataset, preds], capture_output=True, text=True, check=True).stdout


def f1(report, name):
    line = next(l for l in report.splitlines() if l.startswith(name))
    return float(re.search(r"F1=([0-9.]+)", line).group(1))


def half(data, which):
    keep = {i["id"] for i in data["items"] if (int(hashlib.sha256(i["id"].encode()).hexdigest(), 16) % 2) == which}
    sub = dict(data)
    sub["items"] = [i for i in data["items"] if i["id"] in keep]
    sub["reciprocal_pairs"] = [p for p in data["reciprocal_pairs"] if p[0] in keep and p[1] in keep]
    return sub


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--dataset", required=True)
    args = ap.parse_args()
    scorer = os.path.join(os.path.dirname(os.path.abspath(args.dataset)), "score.py")
    data = json.load(open(args.dataset))
    tmp = tempfile.mkdtemp()
    preds = os.path.join(tmp, "preds.json")
    run(args.bin, args.dataset, preds)
    print("== Development set, default thresholds ==")
    print(score(scorer, args.dataset, preds))
    print("== Cross-check: thresholds chosen on one half, scored on the other ==")
    for train, test in [(0, 1), (1, 0)]:
        paths = []
        for which in (train, test):
            p = os.path.join(tmp, f"half{which}.json")
            json.dump(half(data, which), open(p, "w"))
            paths.append(p)
        best = None
        for g in GROUP_GRID:
            for t in TRADE_GRID:
                run(args.bin, paths[0], preds, g, t)
                rep = score(scorer, paths[0], preds)
                value = f1(rep, "clustering") + f1(rep, "reciprocal")
                if best is None or value > best[0]:
                    best = (value, g, t)
        run(args.bin, paths[1], preds, best[1], best[2])
        rep = score(scorer, paths[1], preds)
        print(f"chosen on half {train}: group {best[1]}, trade {best[2]} -> on half {test}: "
              f"grouping F1 {f1(rep, 'clustering'):.3f}, trade F1 {f1(rep, 'reciprocal'):.3f}")


if __name__ == "__main__":
    main()
