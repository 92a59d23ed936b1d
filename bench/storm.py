"""Reconnect storm: every participant of one room reconnects at once (hello with its token).
Time until all have their `welcome`; presence frames and bytes per room reconnect (counted for
--settle seconds after the last welcome, so late presence flushes are included). The C
broadcaster's figure is the time until every handshake completes (it has no welcome)."""
import asyncio
import os

from common import Detente, Reference, failed, load, log, median, setup_workshop, write_lines

SETTLE_SECONDS = 2.0


def storm(args, tools, results):
    results["storm"] = [storm_size(args, tools, n) for n in args.storm_clients]


def storm_size(args, tools, clients):
    d = Detente(args.bin, ["--rate", "100000", "--burst", "100000"])
    try:
        created, tokens = asyncio.run(setup_workshop(d.port, clients))
        tf = write_lines(os.path.join(d.dir, "tokens.txt"), tokens)
        runs = [load(tools, mode="storm", port=d.port, clients=clients, tokens=tf, settle=SETTLE_SECONDS) for _ in range(args.rounds)]
    finally:
        d.stop()
    c = Reference("c", [f"{tools}/lws_broadcast"])
    try:
        c_runs = [load(tools, mode="storm", port=c.port, clients=clients, settle=0.1) for _ in range(args.rounds)]
    finally:
        c.stop()
    good = [r for r in runs if not failed(r)]
    out = {"clients": clients, "runs": runs, "c_runs": c_runs, "failed": [r["failed"] for r in runs if failed(r)],
           "all_welcome_seconds": median([r["all_welcome_seconds"] for r in good]),
           "c_all_connected_seconds": median([r["all_welcome_seconds"] for r in c_runs if not failed(r)]),
           "presence_bytes_per_room_reconnect": median([r["presence_bytes"] for r in good]),
           "presence_frames_per_connection": median([r["presence_frames"] / clients for r in good]),
           "welcome_bytes_per_room_reconnect": median([r["welcome_bytes"] for r in good]),
           "frames_per_connection": median([r["frames_per_connection"] for r in good]),
           "bytes_per_room_reconnect": median([r["bytes"] for r in good])}
    if not good:
        log(f"reconnect storm {clients}: FAILED ({'; '.join(out['failed'])})")
        return out
    log(f"reconnect storm {clients}: all welcomed in {out['all_welcome_seconds']:.2f} s (C: all connected in "
        f"{out['c_all_connected_seconds'] or 0:.2f} s); presence {out['presence_bytes_per_room_reconnect'] / 1e6:.2f} MB per room reconnect, "
        f"{out['presence_frames_per_connection']:.1f} presence frames (besides the welcome, {out['welcome_bytes_per_room_reconnect'] / 1e6:.2f} MB in all) and {out['frames_per_connection']:.1f} frames per connection"
        f"{'; FAILED runs: ' + '; '.join(out['failed']) if out['failed'] else ''}")
    return out
