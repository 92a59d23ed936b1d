"""Fan-out, per command: one sender, N receivers, four servers measured in interleaved rounds.

A peer's message reaching N receivers counts N; a Detente facilitator command (timer extend)
reaching N participants counts N, however many frames carry it (today a `timer` frame and a bot
line): the load client counts occurrences of `"type":"timer"` at each receiver, and its window
(rate 0) counts commands, not frames. A run where any connection is dropped, a receiver misses a
delivery or nothing arrives for 2 s is FAILED and kept out of the medians.

Detente's receivers say `"batch": true` (as the pages do), so several pending messages may reach
them as one frame (docs/PROTOCOL.md, Batching). BENCH_DETENTE_VARIANTS=batch,plain,cork adds
servers measured in the same rounds: `plain` (no batching: one frame per message, several
lws_write calls per WRITEABLE until the pipe chokes) and `cork` (plain, with TCP_CORK around each
burst of writes)."""
import asyncio
import os
import sys

from common import HERE, Detente, Reference, cpu_seconds, failed, load, load_counting_syscalls, log, median, setup_workshop, write_lines

PEER_MESSAGE = '{"type":"tick"}'
EXTEND = '{"type":"timer","action":"extend","seconds":10}'
STEADY_RATE = 20
WINDOW = 32


class DetenteRoom:
    """A Detente server with one workshop of N participants (set up once, used every round)."""
    VARIANTS = {"batch": ("detente", True, {}), "plain": ("detente-plain", False, {}),
                "cork": ("detente-cork", False, {"DETENTE_BENCH_TCP_CORK": "1"})}

    def __init__(self, binary, clients, variant="batch"):
        self.name, self.batch, env = self.VARIANTS[variant]
        self.server = Detente(binary, ["--rate", "100000", "--burst", "100000"], env=env)
        created, tokens = asyncio.run(setup_workshop(self.server.port, clients))
        self.port = self.server.port
        self.pid = self.server.proc.pid
        self.facilitator = created["facilitator_token"]
        self.tokens = write_lines(os.path.join(self.server.dir, "tokens.txt"), tokens)

    def load_args(self):
        return {"tokens": self.tokens, "sender_token": self.facilitator, "message": EXTEND, "match": '"type":"timer"',
                "batch": int(self.batch)}

    def stop(self):
        self.fsync = self.server.fsync_stats()  # a slow disk shows here, not in the server's code
        self.server.stop()


class Peer:
    def __init__(self, name, argv):
        self.name = name
        self.ref = Reference(name, argv)
        self.port = self.ref.port
        self.pid = self.ref.proc.pid

    def load_args(self):
        return {"message": PEER_MESSAGE}

    def stop(self):
        self.ref.stop()


def start_servers(args, tools, hb_binary, clients):
    servers = [Peer("c", [f"{tools}/lws_broadcast"]), Peer("python", [sys.executable, f"{HERE}/py_broadcast.py"])]
    if hb_binary:
        servers.append(Peer("hummingbird", [hb_binary]))
    for variant in os.environ.get("BENCH_DETENTE_VARIANTS", "batch").split(","):
        servers.append(DetenteRoom(args.bin, clients, variant.strip()))
    return servers


def measure(tools, server, clients, seconds):
    common = dict(mode="fanout", port=server.port, clients=clients, duration=seconds, **server.load_args())
    steady = load(tools, rate=STEADY_RATE, **common)
    # Server CPU per delivery: less sensitive to a busy machine than deliveries per second.
    cpu = cpu_seconds(server.pid)
    maximum = load_counting_syscalls(tools, server.pid, rate=0, window=WINDOW, **common)
    if maximum.get("delivered"):
        maximum["server_cpu_us_per_delivery"] = 1e6 * (cpu_seconds(server.pid) - cpu) / maximum["delivered"]
    return steady, maximum


def summarise(runs):
    """Medians over the rounds that did not fail; failures are counted and named, never averaged."""
    good = [r for r in runs if not failed(r)]
    return {"runs": len(runs), "failed": [r["failed"] for r in runs if failed(r)],
            "per_second": median([r["per_second"] for r in good]), "p50_ms": median([r["p50_ms"] for r in good]),
            "p99_ms": median([r["p99_ms"] for r in good]),
            "frames_per_delivery": median([r["frames_after_start"] / r["delivered"] for r in good if r.get("delivered")]),
            "server_cpu_us_per_delivery": median([r["server_cpu_us_per_delivery"] for r in good if "server_cpu_us_per_delivery" in r]),
            "write_syscalls_per_delivery": median([r["write_syscalls_per_delivery"] for r in good if "write_syscalls_per_delivery" in r]),
            "ack_p99_ms": median([r.get("ack_p99_ms") for r in good if r.get("acks")]),
            "all": runs}


def ratios(table, name="detente"):
    d = table[name]["max"]["per_second"]
    out = {}
    for peer in ("c", "python", "hummingbird"):
        p = table.get(peer, {}).get("max", {}).get("per_second")
        out[f"vs_{peer}"] = d / p if d and p else None
    return out


def fanout_size(args, tools, hb_binary, clients):
    servers = start_servers(args, tools, hb_binary, clients)
    raw = {s.name: {"steady": [], "max": []} for s in servers}
    try:
        for round_no in range(args.rounds):
            for s in servers:
                steady, maximum = measure(tools, s, clients, args.seconds)
                raw[s.name]["steady"].append(steady)
                raw[s.name]["max"].append(maximum)
                state = maximum.get("failed") or (f"{maximum['per_second']:,.0f}/s p99 {maximum['p99_ms']:.0f} ms, "
                                                  f"{maximum.get('write_syscalls_per_delivery', float('nan')):.2f} write syscalls and "
                                                  f"{maximum.get('server_cpu_us_per_delivery', float('nan')):.2f} µs server CPU per delivery")
                log(f"  fan-out {clients} round {round_no + 1} {s.name}: max {state}; steady p99 "
                    f"{steady.get('p99_ms', float('nan')):.1f} ms{' FAILED ' + steady['failed'] if failed(steady) else ''}")
    finally:
        for s in servers:
            s.stop()
    table = {name: {mode: summarise(runs) for mode, runs in modes.items()} for name, modes in raw.items()}
    fsync = next(s.fsync for s in servers if isinstance(s, DetenteRoom))
    variants = {s.name: ratios(table, s.name) for s in servers if isinstance(s, DetenteRoom) and s.name != "detente"}
    if fsync["over_1s"]:
        log(f"  fan-out {clients}: {fsync['over_1s']} journal fsyncs took over 1 s")
    return {"clients": clients, "servers": table, "ratios": ratios(table), "variant_ratios": variants, "detente_fsync": fsync}


def fanout(args, tools, hb_binary, results):
    results["fanout"] = []
    for clients in args.clients:
        row = fanout_size(args, tools, hb_binary, clients)
        results["fanout"].append(row)
        r = row["ratios"]
        fmt = lambda x: f"{x:.2f}x" if x else "n/a"
        log(f"fan-out {clients} (per command, medians of {args.rounds}): " +
            ", ".join(f"{n} {t['max']['per_second'] or 0:,.0f}/s" for n, t in row["servers"].items()) +
            f" -> detente {fmt(r['vs_c'])} C, {fmt(r['vs_python'])} python, {fmt(r['vs_hummingbird'])} hummingbird")
        for name, v in row["variant_ratios"].items():
            log(f"  {name}: {fmt(v['vs_c'])} C, {fmt(v['vs_python'])} python, {fmt(v['vs_hummingbird'])} hummingbird")
