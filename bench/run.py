#!/usr/bin/env python3
"""make bench: Detente against a C libwebsockets broadcaster, Python `websockets` and a
Hummingbird 2 broadcaster (fan-out per command, interleaved rounds, medians), a reconnect storm,
durable ingest, replay and start-up, 10,000 connections, the drafter and its isolation, the
anonymiser. Servers run on CPU 0, the C load client on CPU 1. Raw figures: artifacts/bench.json.

    python3 bench/run.py --bin .build/release/detente [--quick] [--only fanout,storm,...]
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from anonymiser import anonymiser  # noqa: E402
from cluster import cluster  # noqa: E402
from common import PROFILE, ROOT, build_hummingbird, build_tools, log  # noqa: E402
from drafter import drafter, drafter_isolation  # noqa: E402
from fanout import fanout  # noqa: E402
from ingest import ingest  # noqa: E402
from replay import replay  # noqa: E402
from scale import scale  # noqa: E402
from storm import storm  # noqa: E402

PARTS = ["fanout", "storm", "ingest", "replay", "scale", "drafter", "anonymiser", "cluster"]


def arguments():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--quick", action="store_true", help="small sizes, one round: checks the bench, measures nothing worth quoting")
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated parts: " + ",".join(PARTS))
    ap.add_argument("--clients", type=int, nargs="*", default=[100, 1000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--storm-clients", type=int, nargs="*", default=[300, 1000, 1500])
    ap.add_argument("--replay-events", type=int, default=500_000)
    ap.add_argument("--startup-workshops", type=int, default=1000)
    ap.add_argument("--replay-cpus", default="0,1", help="CPUs `verify` is pinned to in the replay part (taskset -c)")
    ap.add_argument("--scale-clients", type=int, default=10_000)
    ap.add_argument("--scale-workshops", type=int, default=20)
    ap.add_argument("--cluster-workshops", type=int, default=200)
    ap.add_argument("--cluster-people", type=int, default=20)
    ap.add_argument("--cluster-seconds", type=float, default=10)
    ap.add_argument("--cluster-rate", type=float, default=0.1, help="items/s per participant in the fixed-rate round")
    ap.add_argument("--failover-before", type=float, default=10)
    ap.add_argument("--failover-after", type=float, default=60)
    ap.add_argument("--no-hummingbird", action="store_true")
    ap.add_argument("--profile", metavar="DIR", help="sample every Detente server with `perf record` into DIR")
    ap.add_argument("--out", default=os.path.join(ROOT, "artifacts", "bench.json"))
    args = ap.parse_args()
    if args.quick:
        args.clients, args.rounds, args.seconds = [100], 1, 2
        args.storm_clients, args.replay_events, args.startup_workshops = [100], 20_000, 20
        args.scale_clients, args.scale_workshops = 400, 4
        args.cluster_workshops, args.cluster_people, args.cluster_seconds, args.cluster_rate = 10, 10, 3, 2
        args.failover_before, args.failover_after = 2, 8
    args.bin = os.path.abspath(args.bin)
    return args


def machine():
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "swift": swift[0] if swift else "",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "command": " ".join(sys.argv)}


def main():
    args = arguments()
    PROFILE["dir"] = args.profile
    tools = os.path.join(ROOT, ".build", "bench-tools")
    build_tools(tools)
    parts = args.only.split(",")
    hb = None if args.no_hummingbird or "fanout" not in parts else build_hummingbird()
    results = {"machine": machine(), "quick": args.quick}
    jobs = {"fanout": lambda: fanout(args, tools, hb, results), "storm": lambda: storm(args, tools, results),
            "ingest": lambda: ingest(args, tools, results), "replay": lambda: replay(args, results),
            "scale": lambda: scale(args, tools, results),
            "drafter": lambda: (drafter(args, results), drafter_isolation(args, tools, results)),
            "anonymiser": lambda: anonymiser(args, results), "cluster": lambda: cluster(args, results)}
    for part in parts:
        started = time.time()
        try:
            jobs[part]()
        except Exception as e:  # one broken part must not lose the others' figures
            results.setdefault("errors", {})[part] = traceback.format_exc()
            log(f"{part}: FAILED with {type(e).__name__}: {e}")
        log(f"  ({part} took {time.time() - started:.0f} s)")
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        json.dump(results, open(args.out, "w"), indent=2)
    log(f"results in {args.out}")


if __name__ == "__main__":
    main()
