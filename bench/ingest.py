"""Durable ingest: acknowledged contributions/s (each ack comes only after the item's fsync).

The server bounds items (200 per participant, 5,000 per workshop: docs/STORAGE.md), so each
writer sends a fixed number of items instead of writing for a fixed time, and the rate is items
over the time from the common start to the last ack. An `error` answer fails the run.

Three measurements per shape, each over `--rounds` rounds (medians):
- `capacity`: closed loop (each writer keeps WINDOW items in flight), server on both CPUs, since
  workshops run in parallel on the cores (issue 13, item 1); the C load client shares CPU 1.
  Its latencies are queueing at saturation: by Little's law 400 items in flight at R/s wait
  400/R s on average, so they say nothing about latency *at* a given rate.
- `at_target_rate`: open loop, every writer paced so the writers together offer the target
  rate (5,000/s or 10,000/s); the p99 ack latency at that rate is the figure the target names.
- `one_cpu`: the closed loop with the server pinned to CPU 0, as earlier runs measured it
  (the reference across runs; no target)."""
import asyncio
import os

from common import Detente, failed, load, log, median, setup_workshop, write_lines

WORKSHOP_ITEM_LIMIT = 5_000
PARTICIPANT_ITEM_LIMIT = 200
WRITERS = 100
WINDOW = 4
BOTH_CPUS, ONE_CPU = "0,1", "0"
TARGET_RATE = {"one_workshop": 5_000, "twenty_workshops": 10_000}


def shapes():
    """(label, workshops, items per writer) within the server's bounds."""
    one = min(PARTICIPANT_ITEM_LIMIT, (WORKSHOP_ITEM_LIMIT - 100) // WRITERS)
    twenty = min(PARTICIPANT_ITEM_LIMIT - 10, (WORKSHOP_ITEM_LIMIT - 100) // (WRITERS // 20))
    return [("one_workshop", 1, one), ("twenty_workshops", 20, twenty)]


def ingest_once(args, tools, workshops, per_writer, cpus, rate=0):
    # Per connection and per seat: 100 writers at 10,000/s are 100 messages/s each, over the
    # seat budget (20/s) a real participant gets; the bench measures the journal, not the limits.
    d = Detente(args.bin, ["--rate", "100000", "--burst", "100000"], cpus=cpus)
    try:
        tokens = []
        for _ in range(workshops):
            tokens += asyncio.run(setup_workshop(d.port, WRITERS // workshops))[1]
        tf = write_lines(os.path.join(d.dir, "tokens.txt"), tokens)
        # Writers opt in to batches, as the pages do (docs/PROTOCOL.md, Batching). With a rate,
        # the window only bounds how far a writer may fall behind its schedule.
        r = load(tools, mode="ingest", port=d.port, clients=WRITERS, tokens=tf, window=WINDOW if not rate else 64, duration=120,
                 max_per_client=per_writer, batch=1, rate=rate)
        r["fsync"] = d.fsync_stats()
        return r
    finally:
        d.stop()


def summary(runs):
    good = [r for r in runs if not failed(r)]
    return {"runs": runs, "failed": [r["failed"] for r in runs if failed(r)],
            "per_second": median([r["per_second"] for r in good]), "p50_ms": median([r["p50_ms"] for r in good]),
            "p99_ms": median([r["p99_ms"] for r in good])}


def ingest(args, tools, results):
    results["ingest"] = {}
    for label, workshops, per_writer in shapes():
        per_writer_rate = TARGET_RATE[label] / WRITERS
        row = {"workshops": workshops, "writers": WRITERS, "items_per_writer": per_writer, "window": WINDOW,
               "target_rate": TARGET_RATE[label]}
        # Interleaved, so a slow phase of the machine touches every measurement alike.
        runs = {"capacity": [], "at_target_rate": [], "one_cpu": []}
        for _ in range(args.rounds):
            runs["capacity"].append(ingest_once(args, tools, workshops, per_writer, BOTH_CPUS))
            runs["at_target_rate"].append(ingest_once(args, tools, workshops, per_writer, BOTH_CPUS, rate=per_writer_rate))
            runs["one_cpu"].append(ingest_once(args, tools, workshops, per_writer, ONE_CPU))
        for name, rs in runs.items():
            row[name] = summary(rs)
        # The headline figures: capacity on the machine, latency at the target rate.
        row.update(per_second=row["capacity"]["per_second"], p99_ms=row["at_target_rate"]["p99_ms"],
                   p50_ms=row["at_target_rate"]["p50_ms"], failed=row["capacity"]["failed"] + row["at_target_rate"]["failed"],
                   runs=runs["capacity"])
        results["ingest"][label] = row
        c, t, o = row["capacity"], row["at_target_rate"], row["one_cpu"]

        def fig(s, what):
            if s["per_second"] is None:
                return f"{what}: FAILED ({'; '.join(s['failed'])})"
            return (f"{what}: {s['per_second']:,.0f} acknowledged/s, p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms"
                    f"{' (' + str(len(s['failed'])) + ' FAILED)' if s['failed'] else ''}")
        log(f"ingest ({label}, {WRITERS} writers x {per_writer} items, medians of {args.rounds}): "
            f"{fig(c, 'capacity, 2 CPUs')}; {fig(t, f'offered {TARGET_RATE[label]:,}/s')}; {fig(o, 'capacity, 1 CPU')}")
