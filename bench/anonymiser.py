"""Anonymiser throughput: `detente anonymise --jsonl` on 20,000 items, one core, files on both
ends (Python's pipe feeding would be measured otherwise), median of three runs."""
import os
import shutil
import subprocess
import tempfile
import time

from common import ROOT, SERVER_CPU, log, pinned

ITEMS = 20_000


def anonymiser(args, results):
    lines = open(os.path.join(ROOT, "..", "shared", "data", "pii", "pii-sample.jsonl")).read().splitlines()
    d = tempfile.mkdtemp()
    try:
        source = os.path.join(d, "items.jsonl")
        with open(source, "w") as f:
            f.write("\n".join((lines * (ITEMS // len(lines) + 1))[:ITEMS]) + "\n")
        walls = []
        for _ in range(3):
            with open(source) as stdin, open(os.path.join(d, "out.jsonl"), "w") as stdout:
                t = time.time()
                subprocess.run(pinned(SERVER_CPU, [args.bin, "anonymise", "--jsonl"]), stdin=stdin, stdout=stdout, check=True)
                walls.append(time.time() - t)
        assert sum(1 for _ in open(os.path.join(d, "out.jsonl"))) == ITEMS
    finally:
        shutil.rmtree(d)
    wall = sorted(walls)[1]
    results["anonymiser"] = {"items": ITEMS, "seconds": wall, "runs": walls, "items_per_second": ITEMS / wall}
    log(f"anonymiser: {ITEMS:,} items in {wall:.2f} s = {ITEMS / wall:,.0f} items/s (one core, including process start; "
        f"runs {', '.join(f'{w:.2f}' for w in walls)} s)")
