"""Scale-out (issue 16): acknowledged contributions/s and p99 ack through HAProxy for
(a) 2 nodes on PostgreSQL, (b) 1 node on PostgreSQL, (c) 1 node on files, and (c) without the
proxy to price it; interleaved over rounds, medians. Every participant of every workshop keeps
one item in flight (the next is sent when the last is acked). Then the failover cost: (a) at a
fixed rate, SIGKILL of the node owning more workshops, time until each of its clients is welcomed
again through the proxy, acked items lost (must be 0), p99 ack in the minute after. Then figures
for the 100-node paragraph (docs/SCALE-OUT.md): PostgreSQL connections and advisory locks per
node, the cost of taking workshops, HAProxy memory per connection, the lock table's capacity.

Everything runs on both cores (no pinning): nodes, PostgreSQL, HAProxy and two client
processes. The CPU each used during the measured phase is reported per acked contribution."""
import asyncio
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from cluster_infra import ALL_CPUS, Deployment, HAProxy, Postgres, create_only, create_workshops, healthy, kill, node, owned
from common import HERE, cpu_seconds, log, median, raise_fd_limit, rss_kib

CLIENT_PROCESSES = 2  # one per core
CONFIGS = [("a", "2 nodes, PostgreSQL, HAProxy"), ("b", "1 node, PostgreSQL, HAProxy"), ("c", "1 node, files, HAProxy"),
           ("c_direct", "1 node, files, direct")]


def percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))]


# Measured beside the shipped config (HAProxy's retry defaults: a connection sent to a node that
# died but is not yet marked down is retried 3 times on it, then answered 503): redispatching to
# the next node on every retry.
REDISPATCH = ("option redispatch 1", "retries 2")


def two_nodes(binary, pg, db, name, defaults=()):
    url = pg.create_database(db)
    nodes = [node(binary, url), node(binary, url)]
    return Deployment(name, nodes, HAProxy([n.port for n in nodes], defaults), CONFIGS[0][1], pg, db)


def deploy(binary, pg):
    a = two_nodes(binary, pg, "bench_a", "a")
    b_url = pg.create_database("bench_b")
    b_nodes, c_nodes = [node(binary, b_url)], [node(binary)]
    b = Deployment("b", b_nodes, HAProxy([b_nodes[0].port]), CONFIGS[1][1], pg, "bench_b")
    c = Deployment("c", c_nodes, HAProxy([c_nodes[0].port]), CONFIGS[2][1])
    direct = Deployment("c_direct", c_nodes, None, CONFIGS[3][1])
    # (a) again behind HAProxy's retry defaults, for the second failover run
    again = two_nodes(binary, pg, "bench_a2", "a_redispatch", REDISPATCH)
    return {"a": a, "b": b, "c": c, "c_direct": direct, "a_redispatch": again}


class Clients:
    """The client processes of one run, each with a share of the seats."""

    def __init__(self, port, seats, tag, rate=0, failover=False):
        self.procs = []
        for k in range(CLIENT_PROCESSES):
            spec = {"host": "127.0.0.1", "port": port, "seats": seats[k::CLIENT_PROCESSES], "rate": rate, "tag": tag, "failover": failover}
            p = subprocess.Popen(["taskset", "-c", ALL_CPUS, sys.executable, os.path.join(HERE, "cluster_client.py")],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            p.stdin.write(json.dumps(spec) + "\n")
            p.stdin.flush()
            self.procs.append(p)

    def wait_ready(self):
        lines = [json.loads(p.stdout.readline() or '{"ready": 0}') for p in self.procs]
        return sum(x["ready"] for x in lines), max(x.get("seconds", 0) for x in lines)

    def go(self, seconds):
        for p in self.procs:
            p.stdin.write(json.dumps({"go": True, "seconds": seconds}) + "\n")
            p.stdin.flush()

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    def results(self):
        out = []
        for p in self.procs:
            line = p.stdout.readline()
            p.wait(timeout=120)
            out.append(json.loads(line) if line else {"failures": ["client process gave no result"], "failure_count": 1, "samples": [],
                                                       "cpu_seconds": 0, "resumed": [], "acked_texts": [], "errors": {}})
        return out


class CpuMeter:
    """CPU seconds used by each server-side process group between start() and stop()."""

    def __init__(self, dep):
        self.groups = {"nodes": [n.proc.pid for n in dep.nodes if n.proc.poll() is None]}
        if dep.proxy:
            self.groups["haproxy"] = [dep.proxy.proc.pid]
        if dep.pg:
            self.groups["postgres"] = dep.pg.pids()
        self.before = self.sample()

    def sample(self):
        def cpu(pid):
            try:
                return cpu_seconds(pid)
            except OSError:
                return 0.0
        return {g: {pid: cpu(pid) for pid in pids} for g, pids in self.groups.items()}

    def used(self):
        after = self.sample()
        return {g: sum(max(0.0, after[g][p] - self.before[g][p]) for p in pids) for g, pids in self.groups.items()}


class HealthProbe:
    """Times GET /healthz on each node directly, twice a second, during a round: HAProxy marks a
    node down when this exceeds `timeout check`."""

    def __init__(self, dep):
        import threading
        self.ports, self.times, self.stop_flag = [n.port for n in dep.nodes if n.proc.poll() is None], [], False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        import urllib.request
        while not self.stop_flag:
            for port in self.ports:
                t = time.monotonic()
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).read()
                    self.times.append(time.monotonic() - t)
                except OSError:
                    self.times.append(10.0)
            time.sleep(0.5)

    def stop(self):
        self.stop_flag = True
        self.thread.join()
        return {"healthz_p50_ms": 1000 * (percentile(self.times, 0.5) or 0), "healthz_max_ms": 1000 * max(self.times, default=0),
                "healthz_probes": len(self.times)}


def journal_fsyncs(dep):
    """fsyncs of the file journal so far (one per workshop file per batch)."""
    return sum(n.fsync_stats()["count"] for n in dep.nodes) if not dep.pg else 0


def transactions(dep):
    """Transactions committed in the deployment's database so far (group commit: many acks each)."""
    if not dep.pg:
        return 0
    return int(dep.pg.sql(dep.db, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")[0][0])


def pg_facts(dep):
    """Connections per node (application_name detente/<pid>) and advisory locks held, right now."""
    conns = dep.pg.sql(dep.db, "SELECT application_name, count(*) FROM pg_stat_activity WHERE application_name LIKE 'detente/%' "
                                "AND datname = current_database() GROUP BY 1")
    locks = dep.pg.sql(dep.db, "SELECT a.application_name, count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                               "WHERE l.locktype = 'advisory' AND a.datname = current_database() GROUP BY 1")
    backends = dep.pg.sql(dep.db, "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'detente/%' AND datname = current_database()")
    return {"connections_per_node": {k: int(v) for k, v in conns}, "advisory_locks_per_node": {k: int(v) for k, v in locks},
            "backend_rss_kib": [rss_kib(int(pid)) for (pid,) in backends]}


def summarise(dep, parts, seconds, cpu, ready, ready_seconds):
    samples = [lat for p in parts for _, lat in p["samples"]]
    acks = len(samples)
    client_cpu = sum(p["cpu_seconds"] for p in parts)
    errors = {}
    for p in parts:
        for k, v in p["errors"].items():
            errors[k] = errors.get(k, 0) + v
    failures = [f for p in parts for f in p["failures"]]
    row = {"config": dep.name, "seats": ready, "seconds": seconds, "acked": acks, "per_second": acks / seconds,
           "p50_ms": 1000 * percentile(samples, 0.5) if samples else None, "p99_ms": 1000 * percentile(samples, 0.99) if samples else None,
           "errors": errors, "failures": failures[:3], "connect_seconds": ready_seconds,
           "cpu_seconds": {**cpu, "clients": client_cpu},
           "cpu_us_per_ack": {k: 1e6 * v / acks for k, v in {**cpu, "clients": client_cpu}.items()} if acks else {},
           "client_core_share": client_cpu / seconds / CLIENT_PROCESSES,
           "cores_used": {k: v / seconds for k, v in {**cpu, "clients": client_cpu}.items()}}
    if errors or failures or ready < len(dep.seats()):
        row["failed"] = f"{ready} of {len(dep.seats())} seated; errors {errors}; {failures[:1]}"
    return row


def load_round(dep, seconds, tag, rate=0):
    """Every seat writes as fast as it is acked (or at `rate` items/s each) for `seconds`."""
    rss_idle = dep.proxy.rss_kib() if dep.proxy else None
    downs = marked_down(dep)
    clients = Clients(dep.port, dep.seats(), tag, rate=rate)
    try:
        return measured_round(dep, clients, seconds, rss_idle, downs)
    finally:
        clients.stop()


def measured_round(dep, clients, seconds, rss_idle, downs):
    ready, ready_seconds = clients.wait_ready()
    extra = {}
    if dep.proxy:
        extra["haproxy_rss_idle_kib"], extra["haproxy_rss_connected_kib"] = rss_idle, dep.proxy.rss_kib()
        extra["haproxy_kib_per_connection"] = (extra["haproxy_rss_connected_kib"] - rss_idle) / max(1, ready)
    meter = CpuMeter(dep)
    commits = transactions(dep)
    fsyncs = journal_fsyncs(dep)
    probe = HealthProbe(dep)
    clients.go(seconds)
    if dep.pg:
        time.sleep(seconds / 2)
        extra["postgres"] = pg_facts(dep)
    parts = clients.results()
    extra.update(probe.stop())
    row = summarise(dep, parts, seconds, meter.used(), ready, ready_seconds)
    if not dep.pg:
        extra["journal_fsyncs"] = journal_fsyncs(dep) - fsyncs
        extra["acks_per_fsync"] = row["acked"] / max(1, extra["journal_fsyncs"])
        extra["fsync_mean_ms"] = dep.nodes[0].fsync_stats()["mean_ms"]  # since the node started
    if dep.pg:
        extra["postgres"]["commits"] = transactions(dep) - commits
        extra["postgres"]["acks_per_commit"] = row["acked"] / max(1, extra["postgres"]["commits"])
    row.update(extra)
    row["haproxy_marked_down"] = marked_down(dep) - downs
    return row


def marked_down(dep):
    """How many times HAProxy's health checks have marked one of the nodes down so far."""
    return sum(n for _, n in dep.proxy.stats().values()) if dep.proxy else 0


def print_round(row):
    if row.get("failed"):
        log(f"  cluster {row['config']}: FAILED ({row['failed']}; HAProxy marked a node down {row['haproxy_marked_down']} times; "
            f"/healthz max {row.get('healthz_max_ms', 0):.0f} ms)")
        return
    cpu = ", ".join(f"{k} {v:.0f}" for k, v in row["cpu_us_per_ack"].items())
    cores = ", ".join(f"{k} {v:.2f}" for k, v in row["cores_used"].items())
    log(f"  cluster {row['config']}: {row['per_second']:,.0f} acked/s, p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms "
        f"({row['seats']} seats; CPU µs per ack: {cpu}; cores used: {cores}; /healthz p50 {row['healthz_p50_ms']:.0f} ms, "
        f"max {row['healthz_max_ms']:.0f} ms; load average {os.getloadavg()[0]:.1f})")


def rounds(deps, args, results):
    rows = {name: [] for name, _ in CONFIGS}
    for r in range(args.rounds):
        for name, _ in CONFIGS:
            row = load_round(deps[name], args.cluster_seconds, f"r{r}{name}")
            print_round(row)
            rows[name].append(row)
    fixed = {}
    for name, _ in CONFIGS:  # a realistic load: every participant writes an item every 1/rate seconds
        fixed[name] = load_round(deps[name], args.cluster_seconds, f"fixed{name}", rate=args.cluster_rate)
        print_round(fixed[name])
    summary = {}
    for name, label in CONFIGS:
        good = [x for x in rows[name] if not x.get("failed")]
        summary[name] = {"label": label, "runs": rows[name], "failed": [x["failed"] for x in rows[name] if x.get("failed")],
                         "per_second": median([x["per_second"] for x in good]), "p50_ms": median([x["p50_ms"] for x in good]),
                         "p99_ms": median([x["p99_ms"] for x in good]), "fixed_rate": fixed[name]}
    results["cluster"]["configs"] = summary
    return summary


OWNERS_SQL = """SELECT w.workshop, a.application_name FROM (SELECT DISTINCT workshop FROM detente_records) w
    JOIN pg_locks l ON l.locktype = 'advisory' AND l.objsubid = 1
         AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('detente:' || w.workshop, 0)
    JOIN pg_stat_activity a ON a.pid = l.pid"""


def victim_of(dep):
    """The node owning more workshops, and the workshops it owns (from pg_locks)."""
    by_pid = {}
    for workshop, app in dep.pg.sql(dep.db, OWNERS_SQL):
        by_pid.setdefault(int(app.split("/")[1]), []).append(workshop)
    victim = max(dep.nodes, key=lambda n: len(by_pid.get(n.proc.pid, [])))
    return victim, set(by_pid.get(victim.proc.pid, [])), {n.port: len(by_pid.get(n.proc.pid, [])) for n in dep.nodes}


def stored_items(dep, workshops):
    """(item ids, anonymised text -> how many item_submitted records hold it) in the given workshops.
    The item's own text is sealed; `anon` is its anonymised copy, unchanged for these texts."""
    ids, texts = set(), {}
    quoted = ",".join(f"'{w}'" for w in sorted(workshops))
    for (line,) in dep.pg.sql(dep.db, f"SELECT line FROM detente_records WHERE workshop IN ({quoted}) AND line LIKE '%item_submitted%'"):
        event = json.loads(line)["event"]
        ids.add(event["i"])
        texts[event.get("anon")] = texts.get(event.get("anon"), 0) + 1
    return ids, texts


def failover(dep, args, rate_total, results, label):
    """Fixed-rate load on (a); SIGKILL of the node owning more workshops after --failover-before seconds."""
    seats = dep.seats()
    clients = Clients(dep.port, seats, "failover", rate=rate_total / len(seats), failover=True)
    try:
        failover_measured(dep, clients, args, rate_total, results, label)
    finally:
        clients.stop()


def failover_measured(dep, clients, args, rate_total, results, label):
    pre, after = args.failover_before, args.failover_after
    ready, _ = clients.wait_ready()
    clients.go(pre + after)
    time.sleep(pre)
    victim, moved, per_node = victim_of(dep)
    survivor = next(n for n in dep.nodes if n is not victim)
    killed_at = time.monotonic()
    kill(victim)
    log(f"  failover: killed the node owning {len(moved)} of {sum(per_node.values())} workshops")
    parts = clients.results()
    resumed = [done - killed_at for p in parts for _, _, done in p["resumed"]]
    first_per_workshop = {}
    for p in parts:
        for w, _, done in p["resumed"]:
            first_per_workshop[w] = min(first_per_workshop.get(w, 1e18), done - killed_at)
    expected = sum(len(t) for c, w, f, t in dep.workshops if w in moved)
    samples = [(t, lat) for p in parts for t, lat in p["samples"]]
    before = [lat for t, lat in samples if t < killed_at]
    minute = [lat for t, lat in samples if killed_at <= t < killed_at + after]
    acked = [tuple(x) for p in parts for x in p["acked_texts"]]
    ids, texts = stored_items(dep, {w for w, _, _ in acked})
    lost = [text for _, text, item in acked if item not in ids]
    doubled = [text for _, text, _ in acked if texts.get(text, 0) > 1]
    row = {"seats": ready, "rate_per_second": rate_total, "workshops_per_node": per_node, "moved_workshops": len(moved),
           "clients_of_dead_node": expected, "clients_resumed": len(resumed),
           "resume_p50_s": percentile(resumed, 0.5), "resume_max_s": max(resumed) if resumed else None,
           "first_resume_per_workshop_s": sorted(first_per_workshop.values()),
           "acked": len(acked), "acked_lost": len(lost), "acked_stored_twice": len(doubled), "lost_examples": lost[:3],
           "ack_p99_ms_before": 1000 * percentile(before, 0.99) if before else None,
           "ack_p99_ms_minute_after": 1000 * percentile(minute, 0.99) if minute else None,
           "ack_p50_ms_minute_after": 1000 * percentile(minute, 0.5) if minute else None,
           "acked_per_second_minute_after": len(minute) / after, "seconds_after": after,
           "errors": {k: v for p in parts for k, v in p["errors"].items()}, "survivor_owns": owned(survivor),
           "backoff_seeds": [p.get("seed") for p in parts],
           "hello_errors": {k: sum(p.get("hello_errors", {}).get(k, 0) for p in parts) for p in parts for k in p.get("hello_errors", {})},
           "connect_errors": {k: sum(p.get("connect_errors", {}).get(k, 0) for p in parts) for p in parts for k in p.get("connect_errors", {})}}
    results["cluster"].setdefault("failover", {})[label] = row
    log(f"  failover ({label}): {row['clients_resumed']} of {expected} clients of the dead node resumed through the proxy, p50 "
        f"{row['resume_p50_s'] or 0:.2f} s, max {row['resume_max_s'] or 0:.2f} s; {len(acked)} acked, {len(lost)} lost, {len(doubled)} stored twice; "
        f"ack p99 {row['ack_p99_ms_before'] or 0:.0f} ms before, {row['ack_p99_ms_minute_after'] or 0:.0f} ms in the {after:.0f} s after")


def take_over_cost(dep, binary, results):
    """A fresh node on (b)'s database takes every workshop at start-up (lock + replay each)."""
    events = int(dep.pg.sql(dep.db, "SELECT count(*) FROM detente_records")[0][0])
    workshops = int(dep.pg.sql(dep.db, "SELECT count(DISTINCT workshop) FROM detente_records")[0][0])
    empty = node(binary, dep.pg.create_database("bench_empty"))
    baseline = empty.ready_seconds
    empty.stop()
    for n in dep.nodes:
        n.stop()
    fresh = node(binary, dep.pg.url(dep.db))
    try:
        row = {"workshops": workshops, "events": events, "seconds_to_healthy": fresh.ready_seconds, "owned_after_start": owned(fresh),
               "seconds_to_healthy_empty_database": baseline,
               "ms_per_workshop": 1000 * (fresh.ready_seconds - baseline) / max(1, workshops)}
    finally:
        fresh.stop()
    results["cluster"]["take_over"] = row
    log(f"  take-over at start-up: {row['owned_after_start']} of {workshops} workshops ({events:,} records) locked and replayed, healthy after "
        f"{row['seconds_to_healthy']:.2f} s (empty database: {baseline:.2f} s) = {row['ms_per_workshop']:.1f} ms per workshop")


LOCK_PROBE = """SELECT pg_advisory_lock(i) FROM generate_series(1, 1000000) i;
SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();"""


def lock_capacity(pg, results):  # results: any dict with a "cluster" dict, or one is made
    """How many session advisory locks PostgreSQL's shared lock table holds with default settings
    (max_locks_per_transaction x (max_connections + max_prepared_transactions) slots, shared by all)."""
    settings = {k: v for k, v in pg.sql("postgres", "SELECT name, setting FROM pg_settings WHERE name IN "
                                                    "('max_connections', 'max_locks_per_transaction', 'max_prepared_transactions', 'superuser_reserved_connections')")}
    out = subprocess.run(["psql", "-h", pg.dir, "-p", str(pg.port), "-U", "postgres", "-d", "postgres", "-At"], input=LOCK_PROBE,
                         capture_output=True, text=True)
    held = [line for line in out.stdout.splitlines() if line.strip().isdigit()]
    row = {"settings": settings, "advisory_locks_held_at_failure": int(held[-1]) if held else None,
           "error": next((line for line in out.stderr.splitlines() if "ERROR" in line), "")}
    results.setdefault("cluster", {})["lock_table"] = row
    log(f"  lock table: one session took {row['advisory_locks_held_at_failure']} advisory locks before '{row['error']}' ({settings})")


SMALL_LOCK_TABLE = ("max_locks_per_transaction=10", "max_connections=10")


def lock_table_overflow(binary, results, workshops=800):
    """More workshops than the lock table holds: a PostgreSQL with a small lock table (the same
    overflow as defaults at ~12,800 workshops, here at a few hundred), a node that created them,
    then a fresh node starting on it (start-up locks every workshop it can)."""
    pg = Postgres(SMALL_LOCK_TABLE)
    try:
        capacity = {}
        lock_capacity(pg, capacity)
        first = node(binary, pg.create_database("bench_locks"))
        asyncio.run(create_only(first.port, workshops))
        first.stop()
        row = {"settings": SMALL_LOCK_TABLE, "lock_capacity": capacity["cluster"]["lock_table"]["advisory_locks_held_at_failure"],
               "workshops": workshops}
        try:
            fresh = node(binary, pg.url("bench_locks"))
            row.update(started=True, owned=owned(fresh), healthy=healthy(fresh.port))
            fresh.stop()
        except RuntimeError as e:
            newest = max(glob.glob(os.path.join(tempfile.gettempdir(), "detente-bench-*.log")), key=os.path.getmtime)
            row.update(started=False, error=f"{e}: " + " ".join(open(newest).read().split())[-160:])
        results["cluster"]["lock_table_overflow"] = row
        log(f"  lock table overflow: {workshops} workshops, lock table holds {row['lock_capacity']}: a fresh node "
            f"{'started, owns ' + str(row.get('owned')) if row['started'] else 'did not start (' + row['error'] + ')'}")
    finally:
        pg.stop()


def setup(deps, args, results):
    """All deployments are set up at once (each through its proxy): joins wait for commits."""
    names = ["a", "b", "c", "a_redispatch"]
    with ThreadPoolExecutor(len(names)) as pool:
        seconds = list(pool.map(lambda n: create_workshops(deps[n], args.cluster_workshops, args.cluster_people), names))
    timing = dict(zip(names, seconds))
    log(f"  {args.cluster_workshops} workshops x {args.cluster_people} created and joined through each proxy, all four at once: "
        + ", ".join(f"{n} {s:.0f} s" for n, s in timing.items()))
    deps["c_direct"].workshops = deps["c"].workshops
    results["cluster"]["setup_seconds"] = timing


def cluster(args, results):
    raise_fd_limit()
    results["cluster"] = {"workshops": args.cluster_workshops, "participants": args.cluster_people, "seconds": args.cluster_seconds,
                          "rounds": args.rounds, "client_processes": CLIENT_PROCESSES, "cpus": os.cpu_count(), "rate": args.cluster_rate}
    results["cluster"]["load_average_at_start"] = os.getloadavg()
    pg = Postgres()
    deps = {}
    try:
        deps = deploy(args.bin, pg)
        setup(deps, args, results)
        summary = rounds(deps, args, results)
        for name, label in CONFIGS:
            s = summary[name]
            log(f"cluster {label}: {s['per_second'] or 0:,.0f} acked/s, p99 {s['p99_ms'] or 0:.1f} ms (median of {len(s['runs']) - len(s['failed'])})")
        rate = 0.5 * (summary["a"]["per_second"] or 1000)
        failover(deps["a"], args, rate, results, "shipped haproxy.cfg")
        failover(deps["a_redispatch"], args, rate, results, "redispatching: " + ", ".join(REDISPATCH))
        take_over_cost(deps["b"], args.bin, results)
        lock_capacity(pg, results)
        lock_table_overflow(args.bin, results)
    finally:
        for name in ("a", "b", "c", "a_redispatch"):
            if name in deps:
                deps[name].stop()
        pg.stop()
