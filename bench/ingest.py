"""Durable ingest: acknowledged contributions/s (each ack comes only after the item's fsync).

The server bounds items (200 per participant, 5,000 per workshop: docs/STORAGE.md), so each
writer sends a fixed number of items instead of writing for a fixed time, and the rate is items
over the time from the common start to the last ack. An `error` answer fails the run."""
import asyncio
import os

from common import Detente, failed, load, log, median, setup_workshop, write_lines

WORKSHOP_ITEM_LIMIT = 5_000
PARTICIPANT_ITEM_LIMIT = 200
WRITERS = 100
WINDOW = 4


def shapes():
    """(label, workshops, items per writer) within the server's bounds."""
    one = min(PARTICIPANT_ITEM_LIMIT, (WORKSHOP_ITEM_LIMIT - 100) // WRITERS)
    twenty = min(PARTICIPANT_ITEM_LIMIT - 10, (WORKSHOP_ITEM_LIMIT - 100) // (WRITERS // 20))
    return [("one_workshop", 1, one), ("twenty_workshops", 20, twenty)]


def ingest_once(args, tools, workshops, per_writer):
    # Per connection and per seat: 100 writers at 10,000/s are 100 messages/s each, over the
    # seat budget (20/s) a real participant gets; the bench measures the journal, not the limits.
    d = Detente(args.bin, ["--rate", "100000", "--burst", "100000"])
    try:
        tokens = []
        for _ in range(workshops):
            tokens += asyncio.run(setup_workshop(d.port, WRITERS // workshops))[1]
        tf = write_lines(os.path.join(d.dir, "tokens.txt"), tokens)
        # Writers opt in to batches, as the pages do (docs/PROTOCOL.md, Batching).
        r = load(tools, mode="ingest", port=d.port, clients=WRITERS, tokens=tf, window=WINDOW, duration=120, max_per_client=per_writer, batch=1)
        r["fsync"] = d.fsync_stats()
        return r
    finally:
        d.stop()


def ingest(args, tools, results):
    results["ingest"] = {}
    for label, workshops, per_writer in shapes():
        runs = [ingest_once(args, tools, workshops, per_writer) for _ in range(args.rounds)]
        good = [r for r in runs if not failed(r)]
        row = {"workshops": workshops, "writers": WRITERS, "items_per_writer": per_writer, "window": WINDOW, "runs": runs,
               "failed": [r["failed"] for r in runs if failed(r)],
               "per_second": median([r["per_second"] for r in good]), "p50_ms": median([r["p50_ms"] for r in good]),
               "p99_ms": median([r["p99_ms"] for r in good])}
        results["ingest"][label] = row
        if good:
            log(f"ingest ({label}, {WRITERS} writers x {per_writer} items): {row['per_second']:,.0f} acknowledged/s, "
                f"p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms (median of {len(good)})"
                f"{'; FAILED: ' + '; '.join(row['failed']) if row['failed'] else ''}")
        else:
            log(f"ingest ({label}): FAILED ({'; '.join(row['failed'])})")
