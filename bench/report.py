#!/usr/bin/env python3
"""Markdown tables from one `make bench` run (artifacts/bench.json), for docs/PERFORMANCE.md.

    python3 bench/report.py [artifacts/bench.json]
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def num(x, fmt="{:,.0f}"):
    return "—" if x is None else fmt.format(x)


def failures(summary):
    f = summary.get("failed") or []
    return f" ({len(f)} of {summary['runs']} FAILED: {'; '.join(sorted(set(f)))})" if f else ""


def fanout(rows):
    out = ["| N | server | per command: deliveries/s (median) | p50 / p99 at max | steady 20/s: p50 / p99 (sender's ack p99) | rounds |",
           "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        for name, t in row["servers"].items():
            m, s = t["max"], t["steady"]
            out.append(f"| {row['clients']:,} | {name} | {num(m['per_second'])}{failures(m)} | {num(m['p50_ms'], '{:.1f}')} / "
                       f"{num(m['p99_ms'], '{:.1f}')} ms | {num(s['p50_ms'], '{:.1f}')} / {num(s['p99_ms'], '{:.1f}')} ms"
                       f"{' (' + num(s.get('ack_p99_ms'), '{:.1f}') + ' ms)' if s.get('ack_p99_ms') else ''}{failures(s)} | {m['runs']} |")
        r = row["ratios"]
        out.append(f"| {row['clients']:,} | **Detente ratio** | {num(r['vs_c'], '{:.2f}')}× C, {num(r['vs_python'], '{:.2f}')}× Python, "
                   f"{num(r['vs_hummingbird'], '{:.2f}')}× Hummingbird | | | |")
    return "\n".join(out)


def per_round(rows):
    """Every round's figure, so the spread is visible next to the median."""
    out = ["| N | server | max, each round (deliveries/s) |", "| --- | --- | --- |"]
    for row in rows:
        for name, t in row["servers"].items():
            cells = [r.get("failed") and "FAILED" or f"{r['per_second']:,.0f}" for r in t["max"]["all"]]
            out.append(f"| {row['clients']:,} | {name} | {', '.join(cells)} |")
    return "\n".join(out)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "artifacts", "bench.json")
    r = json.load(open(path))
    print(f"Machine: {r['machine']}\n")
    if "fanout" in r:
        print(fanout(r["fanout"]) + "\n\n" + per_round(r["fanout"]) + "\n")
    for key in ("storm", "ingest", "replay", "scale", "drafter", "anonymiser"):
        if key in r:
            print(f"### {key}\n```\n{json.dumps(strip(r[key]), indent=1)[:3000]}\n```\n")
    if r.get("errors"):
        print("### errors\n" + "\n".join(f"- {k}: {v.strip().splitlines()[-1]}" for k, v in r["errors"].items()))


def strip(x):
    """Drops the raw per-run lists, keeping summaries."""
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("all", "runs", "c_runs")}
    return x


if __name__ == "__main__":
    main()
