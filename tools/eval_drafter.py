#!/usr/bin/env python3
"""Leave-one-company-out evaluation of the agreement drafter.

    python3 tools/eval_drafter.py --bin .build/release/detente --data ../shared/data/workshop

For each direction the grouping, trade and semantic (sentence-vector cosine) thresholds are
chosen on one company's set (a small grid, best grouping F1 + trade F1 with grouping precision >= 0.5) and the other company's set is
scored with them; the word-overlap baseline (baseline.py --tune) is treated the same way. Only the
off-diagonal figures are printed: "A (tuned on C)" is dev-set.json scored with what C chose.

    --no-grid     use the drafter's compiled-in thresholds in both directions
    --verbose     also print score.py's full report for each held-out set
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SETS = {"A": "dev-set.json", "C": "dev-set-c.json"}
GROUP_GRID = [0.5, 0.6, 0.7, 0.8]
TRADE_GRID = [0.3, 0.45, 0.6]
# Sentence-vector cosines at which two asks group without a shared word (0 = lexical only).
SEMANTIC_GRID = [0, 0.4, 0.45, 0.5, 0.55, 0.6]
MIN_PRECISION = 0.5

ROWS = [
    ("grouping F1", lambda m: m["clustering"]["f1"]),
    ("grouping precision", lambda m: m["clustering"]["precision"]),
    ("grouping recall", lambda m: m["clustering"]["recall"]),
    ("trade F1", lambda m: m["reciprocal"]["f1"]),
    ("theme accuracy", lambda m: m["themes"]["accuracy"]),
    ("blame F1", lambda m: m["blame"]["f1"]),
    ("blame recall", lambda m: m["blame"]["recall"]),
    ("actionable accuracy", lambda m: m["actionable"]["accuracy"]),
]


def run_drafter(bin_, dataset, out, group=None, trade=None, semantic=None):
    cmd = [bin_, "analyse", "--dataset", dataset, "--predictions", out]
    if semantic is not None:
        cmd += ["--semantic-threshold", str(semantic)]
    if group is not None:
        cmd += ["--group-threshold", str(group)]
    if trade is not None:
        cmd += ["--trade-threshold", str(trade)]
    subprocess.run(cmd, check=True)


def metrics(scorer, dataset, preds):
    out = subprocess.run([sys.executable, scorer, dataset, preds, "--json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["metrics"]


def objective(m):
    """Higher is better. Precision first: a grouping below the precision floor is never chosen
    over one above it, and when none reaches it the most precise one is chosen."""
    c = m["clustering"]
    if c["precision"] >= MIN_PRECISION or c["pred_pairs"] == 0:
        return (True, c["f1"] + m["reciprocal"]["f1"], 0.0)
    return (False, c["precision"], m["reciprocal"]["f1"])


def tune_drafter(args, scorer, dataset, preds):
    best = None
    for g in GROUP_GRID:
        for t in TRADE_GRID:
            for s in SEMANTIC_GRID:
                run_drafter(args.bin, dataset, preds, g, t, s)
                value = objective(metrics(scorer, dataset, preds))
                if best is None or value > best[0]:
                    best = (value, g, t, s)
    return best[1], best[2], best[3]


def tune_baseline(baseline, dataset):
    out = subprocess.run([sys.executable, baseline, dataset, "--tune"], capture_output=True, text=True, check=True).stdout
    threshold = re.search(r"--threshold ([0-9.]+)", out).group(1)
    low, high = re.search(r"--recip-low ([0-9.]+) --recip-high ([0-9.]+)", out).groups()
    return ["--threshold", threshold, "--recip-low", low, "--recip-high", high]


def wording(bin_, dataset, tmp):
    """How the draft's commitments are worded: rewritten in the third person, or the ask quoted
    because a rewrite would not be faithful (see docs/DRAFTER.md, "Clause wording")."""
    draft = os.path.join(tmp, "draft.json")
    subprocess.run([bin_, "analyse", "--dataset", dataset, "--predictions", os.path.join(tmp, "w.json"), "--draft", draft], check=True)
    with open(draft) as f:
        clauses = [c for c in json.load(f)["clauses"] if c["section"] in ("commitment", "trade", "joint_commitment")]
    quoted = sum(1 for c in clauses if "’s request: “" in c["text"] or "commit to: “" in c["text"] or " offers " in c["text"])
    return len(clauses), quoted


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True, help="folder with dev-set.json, dev-set-c.json, score.py, baseline.py")
    ap.add_argument("--no-grid", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    scorer, baseline = (os.path.join(args.data, n) for n in ("score.py", "baseline.py"))
    tmp = tempfile.mkdtemp()
    preds = os.path.join(tmp, "preds.json")
    columns, notes = {}, []
    for held, tuned in (("A", "C"), ("C", "A")):
        held_path, tuned_path = (os.path.join(args.data, SETS[k]) for k in (held, tuned))
        group, trade, semantic = (None, None, None) if args.no_grid else tune_drafter(args, scorer, tuned_path, preds)
        run_drafter(args.bin, held_path, preds, group, trade, semantic)
        columns[f"{held} (tuned on {tuned})"] = metrics(scorer, held_path, preds)
        notes.append(f"{held} (tuned on {tuned}): group threshold {group or 'default'}, trade threshold {trade or 'default'}, "
                     f"semantic threshold {'default' if semantic is None else semantic}")
        if args.verbose:
            print(subprocess.run([sys.executable, scorer, held_path, preds], capture_output=True, text=True).stdout)
        flags = tune_baseline(baseline, tuned_path)
        subprocess.run([sys.executable, baseline, held_path, "-o", preds] + flags, check=True, capture_output=True)
        columns[f"baseline {held}"] = metrics(scorer, held_path, preds)
        notes.append(f"baseline {held} (tuned on {tuned}): {' '.join(flags)}")
    order = ["A (tuned on C)", "C (tuned on A)", "baseline A", "baseline C"]
    width = max(len(r[0]) for r in ROWS)
    print("== Drafter, leave-one-company-out ==")
    print(f"{'measure':<{width}} | " + " | ".join(f"{c:>14}" for c in order))
    print("-" * width + "-+-" + "-+-".join("-" * 14 for _ in order))
    for name, get in ROWS:
        print(f"{name:<{width}} | " + " | ".join(f"{get(columns[c]):>14.3f}" for c in order))
    for n in notes:
        print("  " + n)
    for name in ("A", "C"):
        total, quoted = wording(args.bin, os.path.join(args.data, SETS[name]), tmp)
        print(f"  wording {name}: {total} commitment clauses, {total - quoted} rewritten in the third person, "
              f"{quoted} with at least one ask quoted (its rewrite would not be faithful)")


if __name__ == "__main__":
    main()
