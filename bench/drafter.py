"""The agreement drafter: offline on 2,000 items (`detente analyse --time`), and in a server —
one workshop of 2,000 items redrafting in a loop while writers in other workshops submit at a
steady pace; their p99 ack latency during the drafting is compared with the same load idle."""
import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

from common import ROOT, SERVER_CPU, Detente, _ws, failed, facilitate, load, log, pinned, setup_workshop, write_lines

DRAFT_ITEMS = 2_000
BUSY_WRITERS = 20
OTHER_WORKSHOPS, WRITERS_PER_OTHER = 19, 5
PACE_PER_WRITER = 5  # items per second per writer in the other workshops
TO_AGREEMENT = [{"type": "advance"}, {"type": "advance"}, {"type": "advance", "force": True}, {"type": "advance"}, {"type": "advance"}]


def offline(args):
    data = json.load(open(os.path.join(ROOT, "..", "shared", "data", "workshop", "dev-set.json")))
    items = [{"id": f"{it['id']}-{k}", "department": it["department"], "kind": it["kind"], "target": it["target"], "text": it["text"]}
             for k in range(10) for it in data["items"]]
    d = tempfile.mkdtemp()
    try:
        path = os.path.join(d, "items.json")
        json.dump({"items": items}, open(path, "w"))
        out = subprocess.run(pinned(SERVER_CPU, [args.bin, "analyse", "--dataset", path, "--predictions", os.path.join(d, "p.json"), "--time"]),
                             capture_output=True, text=True, check=True)
        return {"items": len(items), "milliseconds": float(out.stderr.split(" in ")[1].split(" ms")[0])}
    finally:
        shutil.rmtree(d)


async def redraft_loop(port, token, stop, timings):
    """Redrafts back to back until told to stop; each ack's wait is one drafter run (plus I/O)."""
    async with await _ws(port) as ws:
        await ws.send(json.dumps({"type": "hello", "token": token}))
        while json.loads(await ws.recv()).get("type") != "welcome":
            pass
        ref = 0
        while not stop.is_set():
            ref += 1
            t = time.time()
            await ws.send(json.dumps({"type": "redraft", "ref": ref}))
            while True:
                f = json.loads(await ws.recv())
                if f.get("ref") == ref:
                    if f["type"] == "error":
                        raise RuntimeError(f)
                    timings.append(time.time() - t)
                    break


def dev_set_texts():
    """The development set's outmodel texts (the phase the writers are in), JSON-escaped."""
    data = json.load(open(os.path.join(ROOT, "..", "shared", "data", "workshop", "dev-set.json")))
    return [json.dumps(it["text"], ensure_ascii=False)[1:-1] for it in data["items"] if it["kind"] == "outmodel"]


def busy_workshop(args, tools, d):
    """A workshop with 2,000 items (the development set's texts repeated) from 20 writers, taken to
    the agreement phase."""
    created, tokens = asyncio.run(setup_workshop(d.port, BUSY_WRITERS))
    tf = write_lines(os.path.join(d.dir, "busy.txt"), tokens)
    texts = write_lines(os.path.join(d.dir, "texts.txt"), dev_set_texts())
    r = load(tools, mode="ingest", port=d.port, clients=BUSY_WRITERS, tokens=tf, window=4, duration=120,
             max_per_client=DRAFT_ITEMS // BUSY_WRITERS, texts=texts)
    if failed(r):
        raise RuntimeError(f"filling the busy workshop: {r['failed']}")
    asyncio.run(facilitate(d.port, created["facilitator_token"], TO_AGREEMENT))
    return created["facilitator_token"]


def others_load(tools, d, tf, seconds):
    return load(tools, mode="ingest", port=d.port, clients=OTHER_WORKSHOPS * WRITERS_PER_OTHER, tokens=tf, window=1,
                rate=PACE_PER_WRITER, duration=seconds, max_per_client=int(PACE_PER_WRITER * seconds))


def in_server(args, tools, cpus):
    d = Detente(args.bin, ["--rate", "100000", "--burst", "100000"], cpus=cpus)
    try:
        facilitator = busy_workshop(args, tools, d)
        tokens = []
        for _ in range(OTHER_WORKSHOPS):
            tokens += asyncio.run(setup_workshop(d.port, WRITERS_PER_OTHER))[1]
        tf = write_lines(os.path.join(d.dir, "others.txt"), tokens)
        seconds = args.seconds
        idle = others_load(tools, d, tf, seconds)
        stop, timings = threading.Event(), []
        worker = threading.Thread(target=lambda: asyncio.run(redraft_loop(d.port, facilitator, stop, timings)))
        worker.start()
        time.sleep(0.5)
        busy = others_load(tools, d, tf, seconds)
        stop.set()
        worker.join(timeout=60)
    finally:
        d.stop()
    timings.sort()
    return {"idle": idle, "during_drafting": busy, "redrafts": len(timings),
            "redraft_ms_median": 1000 * timings[len(timings) // 2] if timings else None,
            "p99_ratio": busy["p99_ms"] / idle["p99_ms"] if not failed(idle) and not failed(busy) and idle["p99_ms"] else None}


def drafter(args, results):
    off = offline(args)
    log(f"drafter (offline): {off['items']} items analysed and drafted in {off['milliseconds']:.0f} ms (one core)")
    results["drafter"] = {"offline": off}


def drafter_isolation(args, tools, results):
    """Once with the server on CPU 0 only (as every other part), once on both cores."""
    for label, cpus in (("one_core", SERVER_CPU), ("two_cores", "0,1")):
        s = in_server(args, tools, cpus)
        results.setdefault("drafter", {})[f"in_server_{label}"] = s
        report(label, s)


def report(label, s):
    i, b = s["idle"], s["during_drafting"]
    if failed(i) or failed(b):
        log(f"drafter isolation ({label}): FAILED ({i.get('failed') or b.get('failed')})")
        return
    log(f"drafter isolation ({label}): {s['redrafts']} redrafts of {DRAFT_ITEMS} items (median {s['redraft_ms_median'] or 0:.0f} ms each, ack to ack); "
        f"other workshops' p99 ack {i['p99_ms']:.1f} ms idle -> {b['p99_ms']:.1f} ms during drafting = {s['p99_ratio']:.2f}x")
