"""Replay: events/s of `detente verify` on one large journal, and server start-up with 1,000
ended workshops of 500 events each.

The 1,000 workshops are real: one workshop is driven through a real server (joins, items, end)
until its journal holds 500 records, then its .journal/.key/.roster are copied 1,000 times under
new ids. The workshop id, join code and token hashes are the only clear fields that must differ
between workshops (the server indexes them); they are replaced in the text and the hash chain is
recomputed exactly as docs/STORAGE.md specifies. Sealed fields (AES-GCM, no associated data) stay
valid because the key file is copied with them."""
import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from common import SERVER_CPU, Detente, _ws, create_workshop, facilitate, join_all, log, pinned, rss_kib

EVENTS_PER_WORKSHOP = 500
WORKSHOPS = 1_000


def write_journal(path, events):
    """A journal hash-chained as the server writes it (times rounded down to the minute)."""
    prev = "0" * 64
    with open(path, "w") as f:
        for seq, event in enumerate(events, 1):
            at = (1_700_000_000_000 + seq * 1000) // 60_000 * 60_000
            body = '{"seq":%d,"at":%d,"event":%s' % (seq, at, json.dumps(event, separators=(",", ":"), ensure_ascii=False))
            h = hashlib.sha256((prev + body).encode()).hexdigest()
            f.write(body + ',"prev":"%s","hash":"%s"}\n' % (prev, h))
            prev = h


def synthetic_events(n):
    events = [{"e": "created", "id": "w_bench", "title": "bench", "template": "cats-and-dogs", "departments": ["dev", "ops"], "k": 3,
               "code": "BENCH1", "fth": "f" * 64, "at": 1}]
    for i in range(100):
        events.append({"e": "joined", "p": f"p_{i:016x}", "d": "dev" if i % 2 else "ops", "th": "%064x" % i})
    events.append({"e": "phase_changed", "phase": "outmodel", "at": 2})
    i = 0
    while len(events) < n:
        i += 1
        text = f"They value a quiet pager above fast delivery, point {i}."
        events.append({"e": "item_submitted", "i": f"i_{i:016x}", "d": "dev", "kind": "outmodel", "target": "ops", "text": text, "anon": text,
                       "repl": [], "author": f"p_{i % 100:016x}", "prompt": 0, "at": i})
        events.append({"e": "bot_said", "to": {"kind": "participant", "participant": f"p_{i % 100:016x}"}, "text": "Thanks, noted."})
    return events[:n]


def verify_rate(args):
    """One journal in one process (personal fields in clear here: `verify` needs no key), verified
    `--rounds` times; the median round is reported, every round listed. Pinned to
    `--replay-cpus` (default both: no load client runs beside it, and verify checks the chain on
    a second thread; `--replay-cpus 0` measures one core)."""
    n = args.replay_events
    d = tempfile.mkdtemp()
    try:
        path = os.path.join(d, "w_bench.journal")
        write_journal(path, synthetic_events(n))
        size = os.path.getsize(path)
        rounds = []
        for _ in range(max(1, args.rounds)):
            t = time.time()
            out = subprocess.run(pinned(args.replay_cpus, [args.bin, "verify", path]), capture_output=True, text=True)
            wall = time.time() - t
            assert out.returncode == 0, out.stdout + out.stderr
            line = next(l for l in out.stdout.splitlines() if "replayed in" in l)
            cpu = next((float(l.split()[1]) for l in out.stdout.splitlines() if l.startswith("cpu: ")), None)
            rounds.append((float(line.split(" in ")[1].split(" s")[0]), wall, cpu))
        inner, wall, cpu = sorted(rounds)[len(rounds) // 2]
        return {"events": n, "bytes": size, "seconds_in_process": inner, "events_per_second": n / inner, "wall_seconds": wall,
                "cpu_seconds": cpu, "rounds_seconds_in_process": [r[0] for r in rounds], "rounds_cpu_seconds": [r[2] for r in rounds]}
    finally:
        shutil.rmtree(d)


async def drive_template(port, journal):
    """Joins, items until the journal holds 499 records, then `end` (the 500th)."""
    created = await create_workshop(port)
    tokens = await join_all(port, created["code"], 20)
    await facilitate(port, created["facilitator_token"], [{"type": "advance"}, {"type": "advance"}])
    records = lambda: sum(1 for _ in open(journal))
    async with contextlib.AsyncExitStack() as stack:
        writers = [await stack.enter_async_context(await _ws(port)) for _ in tokens]
        for w, token in zip(writers, tokens):
            await w.send(json.dumps({"type": "hello", "token": token}))
        ref = 0
        while records() < EVENTS_PER_WORKSHOP - 1:
            w = writers[ref % len(writers)]
            ref += 1
            await w.send(json.dumps({"type": "submit", "kind": "outmodel", "text": f"They page us at night for item {ref}.", "ref": ref}))
            while json.loads(await w.recv()).get("ref") != ref:
                pass
    await facilitate(port, created["facilitator_token"], [{"type": "end"}])
    return created["workshop"]


def clone(sessions, template, copies):
    """Copies the template under new ids, replacing its clear identifiers and re-chaining."""
    base = open(os.path.join(sessions, template + ".journal")).read().splitlines()
    created = json.loads(base[0])["event"]
    hashes = set(re.findall(r'"f?th":"([0-9a-f]{64})"', "\n".join(base)))
    for n in range(copies):
        wid = f"w_{n:016x}"
        swaps = [(template, wid), ('"code":"%s"' % created["code"], '"code":"C%05d"' % n)]
        swaps += [(h, hashlib.sha256(f"{n}:{h}".encode()).hexdigest()) for h in hashes]
        prev = "0" * 64
        out = []
        for line in base:
            body = line[:line.rindex(',"prev":"')]
            for old, new in swaps:
                body = body.replace(old, new)
            h = hashlib.sha256((prev + body).encode()).hexdigest()
            out.append(body + ',"prev":"%s","hash":"%s"}\n' % (prev, h))
            prev = h
        with open(os.path.join(sessions, wid + ".journal"), "w") as f:
            f.writelines(out)
        shutil.copyfile(os.path.join(sessions, template + ".key"), os.path.join(sessions, wid + ".key"))
        roster = os.path.join(sessions, template + ".roster")
        if os.path.exists(roster):
            shutil.copyfile(roster, os.path.join(sessions, wid + ".roster"))
    os.remove(os.path.join(sessions, template + ".journal"))
    for ext in (".key", ".roster"):
        if os.path.exists(os.path.join(sessions, template + ext)):
            os.remove(os.path.join(sessions, template + ext))


def startup(args):
    sessions = tempfile.mkdtemp(prefix="detente-startup-")
    d = Detente(args.bin, ["--rate", "100000", "--burst", "100000"], sessions=sessions, keep=True)
    try:
        template = asyncio.run(drive_template(d.port, _journal_of_new_workshop(sessions)))
    finally:
        d.stop()
    records = sum(1 for _ in open(os.path.join(sessions, template + ".journal")))
    clone(sessions, template, args.startup_workshops)
    total = sum(os.path.getsize(os.path.join(sessions, f)) for f in os.listdir(sessions))
    check = subprocess.run([args.bin, "verify", os.path.join(sessions, "w_%016x.journal" % (args.startup_workshops - 1))], capture_output=True, text=True)
    if "OK: chain verified" not in check.stdout:
        shutil.rmtree(sessions, ignore_errors=True)
        return {"failed": "a cloned journal does not verify: " + check.stdout[-200:]}
    try:
        d = Detente(args.bin, sessions=sessions, keep=True)
        seconds = d.ready_seconds
        rss = rss_kib(d.proc.pid)
        d.stop()
    except RuntimeError as e:
        return {"failed": str(e)}
    finally:
        moved_aside = [f for f in os.listdir(sessions) if ".broken" in f]
        shutil.rmtree(sessions, ignore_errors=True)
    if moved_aside:
        return {"failed": f"start-up moved {len(moved_aside)} journals aside"}
    events = records * args.startup_workshops
    return {"workshops": args.startup_workshops, "events_per_workshop": records, "bytes": total, "seconds_to_healthy": seconds,
            "events_per_second": events / seconds, "rss_kib": rss}


def _journal_of_new_workshop(sessions):
    """The only journal the template server writes (found once it exists)."""
    class Latest:
        def __fspath__(self):
            names = [f for f in os.listdir(sessions) if f.endswith(".journal")]
            return os.path.join(sessions, names[0])
    return Latest()


def replay(args, results):
    v = verify_rate(args)
    log(f"replay (verify): {v['events']:,} events ({v['bytes'] // 1024} KiB) read, checked and folded in {v['seconds_in_process']:.3f} s "
        f"= {v['events_per_second']:,.0f} events/s (median of {len(v['rounds_seconds_in_process'])}: "
        + ", ".join(f"{r:.3f}" for r in v['rounds_seconds_in_process']) + " s)"
        + ("" if v["cpu_seconds"] is None else f"; CPU {v['cpu_seconds']:.3f} s = {v['events'] / v['cpu_seconds']:,.0f} events per CPU-second"))
    s = startup(args)
    results["replay"] = {"verify": v, "startup": s}
    if s.get("failed"):
        log(f"start-up with {args.startup_workshops} workshops: FAILED ({s['failed']})")
    else:
        log(f"start-up with {s['workshops']:,} ended workshops of {s['events_per_workshop']} events ({s['bytes'] / 2**20:.0f} MiB): "
            f"healthy in {s['seconds_to_healthy']:.2f} s = {s['events_per_second']:,.0f} events/s, RSS {s['rss_kib'] / 1024:.0f} MiB")
