#!/usr/bin/env python3
"""Markdown tables from one `make bench` run (artifacts/bench.json), for docs/PERFORMANCE.md.

    python3 bench/report.py [artifacts/bench.json]
"""
import json
import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def num(x, fmt="{:,.0f}"):
    return "—" if x is None else fmt.format(x)


def failures(summary):
    f = summary.get("failed") or []
    return f" ({len(f)} of {summary['runs']} FAILED: {'; '.join(sorted(set(f)))})" if f else ""


def fanout(rows):
    out = ["| N | server | per command: deliveries/s (median) | p50 / p99 at max | frames / write syscalls per delivery at max | steady 20/s: p50 / p99 (sender's ack p99) | rounds |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        for name, t in row["servers"].items():
            m, s = t["max"], t["steady"]
            out.append(f"| {row['clients']:,} | {name} | {num(m['per_second'])}{failures(m)} | {num(m['p50_ms'], '{:.1f}')} / "
                       f"{num(m['p99_ms'], '{:.1f}')} ms | {num(m.get('frames_per_delivery'), '{:.2f}')} / {num(m.get('write_syscalls_per_delivery'), '{:.2f}')} | {num(s['p50_ms'], '{:.1f}')} / {num(s['p99_ms'], '{:.1f}')} ms"
                       f"{' (' + num(s.get('ack_p99_ms'), '{:.1f}') + ' ms)' if s.get('ack_p99_ms') else ''}{failures(s)} | {m['runs']} |")
        r = row["ratios"]
        out.append(f"| {row['clients']:,} | **Detente ratio** | {num(r['vs_c'], '{:.2f}')}× C, {num(r['vs_python'], '{:.2f}')}× Python, "
                   f"{num(r['vs_hummingbird'], '{:.2f}')}× Hummingbird | | | | |")
    return "\n".join(out)


def storms(rows):
    out = ["| N | all welcomed (median) | C: all connected | presence frames / connection | presence bytes per room reconnect | welcome bytes per room reconnect | frames / connection |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for s in rows:
        out.append(f"| {s['clients']:,} | {num(s['all_welcome_seconds'], '{:.2f} s')}{' FAILED: ' + '; '.join(s['failed']) if s['failed'] else ''} | "
                   f"{num(s['c_all_connected_seconds'], '{:.2f} s')} | {num(s['presence_frames_per_connection'], '{:.1f}')} | "
                   f"{num(s['presence_bytes_per_room_reconnect'] and s['presence_bytes_per_room_reconnect'] / 1e6, '{:.2f} MB')} | "
                   f"{num(s['welcome_bytes_per_room_reconnect'] and s['welcome_bytes_per_room_reconnect'] / 1e6, '{:.2f} MB')} | {num(s['frames_per_connection'], '{:.1f}')} |")
    return "\n".join(out)


def per_round(rows):
    """Every round's figure, so the spread is visible next to the median."""
    out = ["| N | server | max, each round (deliveries/s) |", "| --- | --- | --- |"]
    for row in rows:
        for name, t in row["servers"].items():
            cells = [r.get("failed") and "FAILED" or f"{r['per_second']:,.0f}" for r in t["max"]["all"]]
            out.append(f"| {row['clients']:,} | {name} | {', '.join(cells)} |")
    return "\n".join(out)


def targets(r):
    """Each target of issue 13 with this run's figure: (target, figure, met)."""
    rows = []
    f1000 = next((row for row in r.get("fanout", []) if row["clients"] == 1000), None)
    if f1000:
        ra, d = f1000["ratios"], f1000["servers"]["detente"]
        for peer, want in (("c", 1.0), ("python", 2.0), ("hummingbird", 2.0)):
            x = ra.get(f"vs_{peer}")
            rows.append((f"fan-out 1,000, per command ≥ {want:.0f}× {peer}", num(x, "{:.2f}×"), x is not None and x >= want))
        p99 = d["steady"]["p99_ms"]
        rows.append(("steady 20 commands/s at 1,000: p99 ≤ 20 ms", num(p99, "{:.1f} ms"), p99 is not None and p99 <= 20))
    for s in r.get("storm", []):
        if s["clients"] == 1000:
            w = s["all_welcome_seconds"]
            rows.append(("reconnect storm 1,000: all welcomed ≤ 2 s", num(w, "{:.2f} s"), w is not None and w <= 2))
    ing = r.get("ingest", {})
    for label, want in (("one_workshop", 5000), ("twenty_workshops", 10000)):
        if label in ing:
            x = ing[label]["per_second"]
            paced = ing[label].get("at_target_rate", ing[label])
            p99 = paced["p99_ms"]
            rows.append((f"ingest {label.replace('_', ' ')} ≥ {want:,}/s (capacity, closed loop)", num(x, "{:,.0f}/s"), x is not None and x >= want))
            rows.append((f"ingest {label.replace('_', ' ')} p99 ack ≤ 50 ms at {want:,}/s offered", num(p99, "{:.1f} ms"),
                         p99 is not None and p99 <= 50 and not paced.get("failed")))
    rep = r.get("replay", {})
    if "verify" in rep:
        x = rep["verify"]["events_per_second"]
        rows.append(("replay ≥ 500,000 events/s (verify, one journal)", num(x, "{:,.0f}/s"), x >= 500_000))
    if rep.get("startup", {}).get("seconds_to_healthy"):
        rows.append(("start-up, 1,000 ended workshops × 500 events (no target; 'seconds')", num(rep["startup"]["seconds_to_healthy"], "{:.2f} s"), None))
    sc = r.get("scale")
    if sc:
        kib = sc["rss_per_connection_kib"]
        rows.append(("10,000 connections: ≤ 16 KiB RSS each", num(kib, "{:.1f} KiB"), kib is not None and kib <= 16))
        ack = sc["load"].get("ack_p99_ms")
        rows.append(("10,000 connections: facilitators' commands answered ≤ 100 ms p99", num(ack, "{:.1f} ms"),
                     ack is not None and not sc["load"].get("failed") and ack <= 100))
    dr = r.get("drafter", {})
    if "offline" in dr:
        ms = dr["offline"]["milliseconds"]
        rows.append(("drafter on 2,000 items ≤ 300 ms", num(ms, "{:.0f} ms"), ms <= 300))
    for label in ("one_core", "two_cores"):
        x = dr.get(f"in_server_{label}", {}).get("p99_ratio")
        if f"in_server_{label}" in dr:
            rows.append((f"other workshops' p99 ack during drafting ≤ 2× idle ({label.replace('_', ' ')})", num(x, "{:.2f}×"), x is not None and x <= 2))
    out = ["| target | this run | met? |", "| --- | --- | --- |"]
    out += [f"| {t} | {v} | {'—' if ok is None else 'yes' if ok else '**no**'} |" for t, v, ok in rows]
    return "\n".join(out)


def ingest(rows):
    out = ["| shape | measurement | acknowledged/s (median) | p50 / p99 ack | fsyncs: count, mean, over 100 ms | each round |",
           "| --- | --- | --- | --- | --- | --- |"]
    names = {"capacity": "capacity: closed loop, {w} in flight each, server on CPUs 0,1", "at_target_rate": "offered {t:,}/s (open loop), server on CPUs 0,1",
             "one_cpu": "capacity: closed loop, server on CPU 0 only"}
    for label, x in rows.items():
        for key, title in names.items():
            s = x.get(key)
            if not s:
                continue
            f = [r.get("fsync", {}) for r in s["runs"]]
            rounds = ", ".join("FAILED" if r.get("failed") else f"{r['per_second']:,.0f}" for r in s["runs"])
            fs = "; ".join(f"{v.get('count', 0)}, {v.get('mean_ms', 0):.1f} ms, {v.get('over_100ms', 0)}" for v in f)
            out.append(f"| {x['writers']} writers in {x['workshops']} workshop{'s' if x['workshops'] > 1 else ''}, {x['items_per_writer']} items each | "
                       f"{title.format(w=x['window'], t=x.get('target_rate', 0))} | {num(s['per_second'])}{failures({'failed': s['failed'], 'runs': len(s['runs'])})} | "
                       f"{num(s['p50_ms'], '{:.1f}')} / {num(s['p99_ms'], '{:.1f}')} ms | {fs} | {rounds} |")
    return "\n".join(out)


def replay(r):
    v, s = r.get("verify", {}), r.get("startup", {})
    out = []
    if v:
        out.append(f"- `detente verify`, one journal of {v['events']:,} events ({v['bytes'] / 2**20:.0f} MiB): {v['seconds_in_process']:.2f} s in process "
                   f"= **{v['events_per_second']:,.0f} events/s** (wall {v['wall_seconds']:.2f} s)")
    if s.get("failed"):
        out.append(f"- start-up: FAILED ({s['failed']})")
    elif s:
        out.append(f"- start-up with {s['workshops']:,} ended workshops of {s['events_per_workshop']} events ({s['bytes'] / 2**20:.0f} MiB): healthy after "
                   f"**{s['seconds_to_healthy']:.2f} s** (process start to `/healthz` 200) = {s['events_per_second']:,.0f} events/s; RSS then {s['rss_kib'] / 1024:.0f} MiB")
    return "\n".join(out)


def scale(x):
    r = x["load"]
    state = f"FAILED: {r['failed']}" if r.get("failed") else (
        f"p50 / p99 delivery {r['p50_ms']:.1f} / {r['p99_ms']:.1f} ms over {r['delivered']:,} deliveries; facilitators' acks p50 / p99 "
        f"{r['ack_p50_ms']:.1f} / {r['ack_p99_ms']:.1f} ms; {num(x.get('cpu_us_per_delivery'), '{:.1f}')} µs server CPU per delivery")
    return (f"- {x['connections']:,} connections ({x['workshops']} workshops; each facilitator extends its timer once a second): RSS "
            f"{x['rss_before_kib'] / 1024:.0f} → {x['rss_connected_kib'] / 1024:.0f} MiB = **{num(x['rss_per_connection_kib'], '{:.1f}')} KiB per connection** "
            f"(peak {x['rss_peak_kib'] / 1024:.0f} MiB); {state}; setup through the protocol {x['setup_seconds']:.0f} s")


def drafter(d):
    out = []
    if "offline" in d:
        out.append(f"- offline (`detente analyse --time`, {d['offline']['items']:,} items): **{d['offline']['milliseconds']:.0f} ms**")
    for label in ("one_core", "two_cores"):
        s = d.get(f"in_server_{label}")
        if not s:
            continue
        i, b = s["idle"], s["during_drafting"]
        if i.get("failed") or b.get("failed"):
            out.append(f"- in a server ({label.replace('_', ' ')}): FAILED ({i.get('failed') or b.get('failed')})")
            continue
        out.append(f"- in a server on {label.replace('_', ' ')}: {s['redrafts']} redrafts of 2,000 items back to back (median "
                   f"{num(s['redraft_ms_median'], '{:.0f}')} ms ack to ack); the other 19 workshops' p50 / p99 ack "
                   f"{i['p50_ms']:.1f} / {i['p99_ms']:.1f} ms idle → {b['p50_ms']:.1f} / {b['p99_ms']:.1f} ms during drafting = **{s['p99_ratio']:.2f}×**")
    return "\n".join(out)


def cluster(c):
    """Issue 16: the four configurations, the failover runs, the 100-node facts."""
    out = [f"{c['workshops']} workshops × {c['participants']} participants ({c['workshops'] * c['participants']:,} websockets), each with one item "
           f"in flight, {c['seconds']:.0f} s per round, {c['rounds']} rounds interleaved; {c['client_processes']} client processes",
           "", "| configuration | acknowledged/s (median) | p50 / p99 ack | CPU µs per ack: nodes / PostgreSQL / HAProxy / clients | cores used by the nodes | `/healthz` max | each round |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, s in c["configs"].items():
        good = [r for r in s["runs"] if not r.get("failed")]
        cpu = lambda k: num(statistics.median([r["cpu_us_per_ack"].get(k, 0) for r in good]) if good and k in good[0]["cpu_us_per_ack"] else None)
        rounds = ", ".join("FAILED" if r.get("failed") else f"{r['per_second']:,.0f}" for r in s["runs"])
        cores = num(statistics.median([r["cores_used"]["nodes"] for r in good]), "{:.2f}") if good and "cores_used" in good[0] else "—"
        health = num(max([r.get("healthz_max_ms", 0) for r in s["runs"]], default=None), "{:,.0f} ms")
        out.append(f"| ({name}) {s['label']} | {num(s['per_second'])}{failures({'failed': s['failed'], 'runs': len(s['runs'])})} | "
                   f"{num(s['p50_ms'], '{:.1f}')} / {num(s['p99_ms'], '{:.1f}')} ms | {cpu('nodes')} / {cpu('postgres')} / {cpu('haproxy')} / {cpu('clients')} | "
                   f"{cores} | {health} | {rounds} |")
    out += ["", f"| configuration | fixed rate: offered / acknowledged per s | p50 / p99 ack |", "| --- | --- | --- |"]
    for name, s in c["configs"].items():
        f = s.get("fixed_rate")
        if f:
            offered = f["seats"] * c.get("rate", 0)
            state = f" FAILED: {f['failed']}" if f.get("failed") else ""
            out.append(f"| ({name}) {s['label']} | {num(offered)} / {num(f['per_second'])} | {num(f['p50_ms'], '{:.1f}')} / {num(f['p99_ms'], '{:.1f}')} ms{state} |")
    out += ["", "| failover (SIGKILL of the node owning more workshops, fixed rate) | clients resumed | resume p50 / max | acked / lost / stored twice | ack p99 before / in the window after |",
            "| --- | --- | --- | --- | --- |"]
    for label, f in c.get("failover", {}).items():
        out.append(f"| {label}: {f['moved_workshops']} workshops moved, {f['rate_per_second']:,.0f} items/s offered | {f['clients_resumed']} of {f['clients_of_dead_node']} | "
                   f"{num(f['resume_p50_s'], '{:.2f}')} / {num(f['resume_max_s'], '{:.2f}')} s | {f['acked']:,} / {f['acked_lost']} / {f['acked_stored_twice']} | "
                   f"{num(f['ack_p99_ms_before'], '{:.0f}')} / {num(f['ack_p99_ms_minute_after'], '{:.0f}')} ms ({f['seconds_after']:.0f} s) |")
    a = next((r for r in c["configs"].get("a", {}).get("runs", []) if r.get("postgres")), None)
    if a:
        pg = a["postgres"]
        out.append(f"\n- during (a): PostgreSQL connections per node {sorted(pg['connections_per_node'].values())} (backend RSS "
                   f"{', '.join(f'{k / 1024:.0f}' for k in pg.get('backend_rss_kib', []))} MiB), advisory locks held per node "
                   f"{sorted(pg['advisory_locks_per_node'].values())}, {num(pg.get('acks_per_commit'), '{:.1f}')} acks per commit; HAProxy RSS {a['haproxy_rss_idle_kib'] / 1024:.1f} → "
                   f"{a['haproxy_rss_connected_kib'] / 1024:.1f} MiB with {a['seats']:,} websockets = **{a['haproxy_kib_per_connection']:.1f} KiB per connection**")
    cf = next((r for r in c["configs"].get("c", {}).get("runs", []) if "acks_per_fsync" in r), None)
    if cf:
        out.append(f"- during (c): {cf['journal_fsyncs']:,} journal fsyncs (mean {cf.get('fsync_mean_ms', 0):.1f} ms) for {cf['acked']:,} acks = "
                   f"{cf['acks_per_fsync']:.1f} acks per fsync (`detente_journal_fsync_seconds_count`)")
    t, lt = c.get("take_over", {}), c.get("lock_table", {})
    if t:
        out.append(f"- take-over: a node starting on {t['workshops']} workshops ({t['events']:,} records) reads their codes and tokens (it takes none until a client asks): healthy after "
                   f"{t['seconds_to_healthy']:.2f} s (empty database {t['seconds_to_healthy_empty_database']:.2f} s) = **{t['ms_per_workshop']:.1f} ms per workshop**")
    if lt:
        out.append(f"- lock table: one session holds {num(lt['advisory_locks_held_at_failure'])} advisory locks, then `{lt['error']}` ({lt['settings']})")
    ov = c.get("lock_table_overflow")
    if ov:
        out.append(f"- {ov['workshops']} workshops in a database whose lock table holds {ov['lock_capacity']} ({', '.join(ov['settings'])}): a fresh node "
                   + (f"started and owns {ov['owned']}" if ov["started"] else f"does not start: `{ov['error']}`"))
    return "\n".join(out)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "artifacts", "bench.json")
    r = json.load(open(path))
    print(f"Machine: {r['machine']}\n")
    print(targets(r) + "\n")
    if "fanout" in r:
        print(fanout(r["fanout"]) + "\n\n" + per_round(r["fanout"]) + "\n")
    if r.get("storm"):
        print(storms(r["storm"]) + "\n")
    if "ingest" in r:
        print(ingest(r["ingest"]) + "\n")
    if "replay" in r:
        print(replay(r["replay"]) + "\n")
    if "scale" in r:
        print(scale(r["scale"]) + "\n")
    if "drafter" in r:
        print(drafter(r["drafter"]) + "\n")
    if "anonymiser" in r:
        a = r["anonymiser"]
        print(f"- anonymiser: {a['items']:,} items in {a['seconds']:.2f} s = **{a['items_per_second']:,.0f} items/s** (median of "
              f"{', '.join(f'{w:.2f}' for w in a['runs'])} s)\n")
    if "cluster" in r and "configs" in r["cluster"]:
        print(cluster(r["cluster"]) + "\n")
    if r.get("errors"):
        print("### errors\n" + "\n".join(f"- {k}: {v.strip().splitlines()[-1]}" for k, v in r["errors"].items()))


def strip(x):
    """Drops the raw per-run lists, keeping summaries."""
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("all", "runs", "c_runs")}
    return x


if __name__ == "__main__":
    main()
