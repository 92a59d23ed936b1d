"""Crash test: 50 clients submit 2,000 contributions while the server is killed with SIGKILL at
random moments, several times. After each restart every acknowledged contribution is present
exactly once and `detente verify` passes."""
import asyncio
import json
import os
import random

import websockets

from harness import Client, Server, create_workshop, join

CLIENTS = 50
TOTAL = 2_000
KILLS = 3


def journal_texts(server, workshop):
    out = server.detente("events", workshop, "--sessions", server.sessions)
    assert out.returncode == 0, out.stderr
    texts = []
    for line in out.stdout.splitlines():
        event = json.loads(line)["event"]
        if event["e"] == "item_submitted":
            texts.append(event["text"])
    return texts


async def test_sigkill_loses_nothing_acknowledged():
    seed = int(os.environ.get("DETENTE_TEST_SEED") or int.from_bytes(os.urandom(4), "little"))
    print(f"crash test seed: {seed} (rerun with DETENTE_TEST_SEED={seed})")
    rng = random.Random(seed)
    server = Server().start()
    created, fac = await create_workshop(server)
    people = [await join(server, created["code"], f"P{i}", "dev" if i % 2 else "ops") for i in range(CLIENTS)]
    tokens = [p.token for p in people]
    await fac.call(type="advance")
    await fac.call(type="advance")
    for p in people + [fac]:
        await p.close()

    acked = set()
    counter = [0]

    async def worker(token, index):
        while len(acked) < TOTAL:
            try:
                c = await Client.connect(server, f"w{index}", record=False)
                hello = await c.call(type="hello", token=token)
                assert hello["type"] == "welcome", hello
                while len(acked) < TOTAL:
                    counter[0] += 1
                    text = f"crash item {index}-{counter[0]}: they fear unplanned changes"
                    r = await c.call(type="submit", kind="outmodel", text=text, timeout=10)
                    if r["type"] == "ack":
                        acked.add(text)
                    elif r.get("code") == "rate_limited":
                        await asyncio.sleep(0.2)
            except (websockets.ConnectionClosed, OSError, asyncio.TimeoutError, websockets.InvalidHandshake):
                await asyncio.sleep(0.1)

    async def killer():
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(0.3, 1.5))
            server.kill()
            texts = journal_texts(server, created["workshop"])
            for t in acked:
                assert texts.count(t) == 1, f"acknowledged item lost or duplicated after kill: {t}"
            server.start()  # same port, same data folder

    workers = [asyncio.create_task(worker(t, i)) for i, t in enumerate(tokens)]
    await killer()
    await asyncio.wait_for(asyncio.gather(*workers), 120)
    server.kill()
    texts = journal_texts(server, created["workshop"])
    missing = [t for t in acked if texts.count(t) != 1]
    assert len(acked) >= TOTAL and not missing, f"{len(missing)} acknowledged items not present exactly once"
    verify = server.detente("verify", os.path.join(server.sessions, created["workshop"] + ".journal"))
    assert verify.returncode == 0, verify.stdout
    server.start()
    # After the last restart the server serves the recovered workshop.
    c = await Client.connect(server, "check")
    welcome = await c.call(type="hello", token=tokens[0])
    assert welcome["workshop"]["phase"] == "outmodel"
    await c.close()
    server.stop()
