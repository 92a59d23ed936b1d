#!/usr/bin/env python3
"""One ingest run with the server sampled by `perf record` during the load only (not the setup),
and the server's CPU per acknowledged item. For finding where ingest time goes; not part of
`make bench`.

    .venv/bin/python bench/profile_ingest.py BIN OUT.data|- WORKSHOPS ITEMS_PER_WRITER [k=v ...]

`-` skips perf. Extra k=v go to the load client (e.g. rate=100 window=64 for the offered-rate
shape). CPUS=0,1 (default 0) pins the server; KEEP=1 keeps the sessions folder;
WSLOAD_ACK_TRACE=<file> makes the load client write every ack's time and latency.
Break a profile down with `python3 tools/perf_under.py OUT.data PATTERN [depth]`."""
import asyncio
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, Detente, cpu_seconds, load, setup_workshop, write_lines  # noqa: E402


def user_system(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def main():
    binary, out, workshops, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    extra = dict(a.split("=", 1) for a in sys.argv[5:])
    tools = os.path.join(ROOT, ".build", "bench-tools")
    d = Detente(binary, ["--rate", "100000", "--burst", "100000"], keep=os.environ.get("KEEP") == "1", cpus=os.environ.get("CPUS", "0"))
    try:
        tokens = []
        for _ in range(workshops):
            tokens += asyncio.run(setup_workshop(d.port, 100 // workshops))[1]
        tf = write_lines(os.path.join(d.dir, "tokens.txt"), tokens)
        perf = None
        if out != "-":
            perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "1999", "-g", "-p", str(d.proc.pid), "-o", out],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
        kw = dict(mode="ingest", port=d.port, clients=100, tokens=tf, window=4, duration=120, max_per_client=per, batch=1)
        kw.update(extra)
        u0, c0 = user_system(d.proc.pid), cpu_seconds(d.proc.pid)
        r = load(tools, **kw)
        u1, c1 = user_system(d.proc.pid), cpu_seconds(d.proc.pid)
        if perf:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        items = workshops * (100 // workshops) * per
        r["cpu_us_per_item"] = round(1e6 * (c1 - c0) / items, 1)
        r["user_system_s"] = (round(u1[0] - u0[0], 2), round(u1[1] - u0[1], 2))
        print({k: r.get(k) for k in ("per_second", "p50_ms", "p99_ms", "failed", "cpu_us_per_item", "user_system_s")}, d.fsync_stats())
        if os.environ.get("KEEP") == "1":
            print("sessions:", d.dir)
    finally:
        d.stop()


if __name__ == "__main__":
    main()
