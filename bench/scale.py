"""10,000 connections across workshops: RSS per connection, p99 delivery of the facilitators'
commands, server CPU per delivery. Each workshop's facilitator extends its timer at a steady
rate; every participant's `timer` frame is a delivery. RSS and CPU are sampled from /proc once
the load client reports everyone connected (its --ready-file) and at the end."""
import asyncio
import os
import subprocess
import tempfile
import time

from common import CLIENT_CPU, Detente, cpu_seconds, failed, log, pinned, raise_fd_limit, rss_kib, setup_workshop, write_lines
from fanout import EXTEND

COMMANDS_PER_SECOND_PER_WORKSHOP = 1
READY_TIMEOUT = 240  # 10,000 hellos at once: the 12:25 run saw only 5,195 welcomes within 60 s


def setup(port, workshops, per_workshop):
    tokens, senders = [], []
    for g in range(workshops):
        created, ts = asyncio.run(setup_workshop(port, per_workshop))
        senders.append(created["facilitator_token"])
        tokens += [f"{t} {g}" for t in ts]
    return tokens, senders


def run_load(tools, d, tf, sf, clients, seconds):
    ready = os.path.join(tempfile.mkdtemp(), "ready")
    argv = [f"{tools}/wsload", "--mode", "fanout", "--port", str(d.port), "--clients", str(clients), "--tokens", tf, "--senders", sf,
            "--rate", str(COMMANDS_PER_SECOND_PER_WORKSHOP), "--duration", str(seconds), "--message", EXTEND, "--match", '"type":"timer"',
            "--ready-file", ready, "--ready-timeout", str(READY_TIMEOUT),
            "--batch", "1"]  # as the pages do (docs/PROTOCOL.md, Batching)
    if os.environ.get("DETENTE_BENCH_ACK_TIMES"):  # per-ack client times, to set against DETENTE_TRACE_STAGES
        argv += ["--ack-times", os.environ["DETENTE_BENCH_ACK_TIMES"]]
    proc = subprocess.Popen(pinned(CLIENT_CPU, argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t = time.time()
    while not os.path.exists(ready) and proc.poll() is None:
        time.sleep(0.05)
    connect_seconds = time.time() - t
    sample = {"rss_kib": rss_kib(d.proc.pid), "cpu": cpu_seconds(d.proc.pid)}
    peak = sample["rss_kib"]
    while proc.poll() is None:
        peak = max(peak, rss_kib(d.proc.pid))
        time.sleep(0.2)
    cpu_end = cpu_seconds(d.proc.pid)
    out, err = proc.communicate()
    import json
    result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"failed": f"load client gave no result ({err.strip()[:200] or 'killed'})"}
    result["connect_and_welcome_seconds"] = connect_seconds
    return result, sample, peak, cpu_end - sample["cpu"]


def scale(args, tools, results):
    raise_fd_limit()
    workshops, per = args.scale_workshops, args.scale_clients // args.scale_workshops
    clients = workshops * per
    # Every connection of the load client comes from 127.0.0.1: lift the per-address cap (1,000).
    d = Detente(args.bin, ["--rate", "100000", "--burst", "100000"])
    try:
        t = time.time()
        tokens, senders = setup(d.port, workshops, per)
        setup_seconds = time.time() - t
        base = rss_kib(d.proc.pid)
        tf = write_lines(os.path.join(d.dir, "tokens.txt"), tokens)
        sf = write_lines(os.path.join(d.dir, "senders.txt"), senders)
        r, at_ready, peak, cpu = run_load(tools, d, tf, sf, clients, args.seconds * 2)
    finally:
        d.stop()
    row = {"connections": clients + workshops, "workshops": workshops, "setup_seconds": setup_seconds, "rss_before_kib": base,
           "rss_connected_kib": at_ready["rss_kib"], "rss_peak_kib": peak,
           "rss_per_connection_kib": None if failed(r) else (at_ready["rss_kib"] - base) / (clients + workshops), "load": r}
    if not failed(r) and r.get("delivered"):
        row["cpu_us_per_delivery"] = 1e6 * cpu / r["delivered"]
    results["scale"] = row
    state = f"FAILED ({r['failed']})" if failed(r) else (f"p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms over {r['delivered']:,} deliveries, "
                                                        f"{row.get('cpu_us_per_delivery', 0):.1f} µs CPU per delivery; facilitators' acks p99 {r['ack_p99_ms']:.1f} ms")
    rss = "RSS not comparable (not everyone got in)" if failed(r) else f"{row['rss_per_connection_kib']:.1f} KiB RSS each"
    log(f"scale: {row['connections']:,} connections in {workshops} workshops: {rss}, all in after {r.get('connect_and_welcome_seconds', 0):.0f} s "
        f"({base} -> {at_ready['rss_kib']} KiB, peak {peak}); {state}")
