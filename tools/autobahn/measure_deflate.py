"""What permessage-deflate would save and cost Detente (docs/CONFORMANCE.md):
1. bytes of a participant's and a facilitator's `welcome` with 100 department items, raw and
   deflated as permessage-deflate would send them, and the time at 1 Mbit/s;
2. server CPU per broadcast delivery (100 timer broadcasts to 201 clients), deflate off and on.
Usage: DETENTE_BIN=.build/debug/detente .venv/bin/python tools/autobahn/measure_deflate.py"""
import asyncio
import json
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "support"))
from harness import Server, create_workshop, join  # noqa: E402

TEXTS = ["They measure uptime above everything and fear Friday deploys.",
         "They value a calm on-call rota and change windows agreed a week ahead.",
         "They are judged on incidents, not on how fast features reach customers."]
FAST = {"DETENTE_SEAT_RATE": "1000", "DETENTE_SEAT_BURST": "1000", "DETENTE_RATE": "1000", "DETENTE_BURST": "1000"}


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().split(")")[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def welcome_sizes():
    server = Server(env=FAST).start()
    try:
        created, fac = await create_workshop(server)
        devs = [await join(server, created["code"], f"Dev Person {i}", "dev") for i in range(10)]
        ops = [await join(server, created["code"], f"Ops Person {i}", "ops") for i in range(10)]
        await fac.call(type="advance")
        await fac.call(type="advance")
        for i, p in enumerate(devs + ops):
            for j in range(10):
                assert (await p.call(type="submit", kind="outmodel", text=f"{TEXTS[(i + j) % 3]} Item {i}-{j}."))["type"] == "ack"
        for who, client, token in [("participant", devs[0], devs[0].token), ("facilitator", fac, created["facilitator_token"])]:
            await client.send(type="hello", token=token)
            raw = await client.ws.recv()
            while json.loads(raw).get("type") != "welcome":
                raw = await client.ws.recv()
            data = raw.encode()
            deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
            deflated = deflater.compress(data) + deflater.flush(zlib.Z_SYNC_FLUSH)
            print(f"{who} welcome: {len(data)} bytes ({len(data) * 8 / 1e3:.0f} ms at 1 Mbit/s), "
                  f"deflated {len(deflated)} bytes ({len(deflated) * 8 / 1e3:.0f} ms)")
    finally:
        server.stop()


async def fan_out(deflate):
    server = Server(env={"DETENTE_DEFLATE": deflate, **FAST}).start()
    try:
        created, fac = await create_workshop(server)
        people = await asyncio.gather(*(join(server, created["code"], f"P {i}", ("dev", "ops")[i % 2]) for i in range(200)))
        for p in people:
            p.record = False
        await fac.call(type="advance")
        await fac.call(type="advance")
        await fac.call(type="timer", action="start", seconds=600)
        readers = [asyncio.create_task(p.drain(2.0)) for p in people]
        before = cpu_seconds(server.proc.pid)
        for _ in range(100):
            assert (await fac.call(type="timer", action="extend", seconds=60))["type"] == "ack"
        await asyncio.sleep(1.0)
        used = cpu_seconds(server.proc.pid) - before
        await asyncio.gather(*readers)
        print(f"deflate={deflate}: server CPU {used:.2f} s for 100 broadcasts to 201 clients ({used / 20_100 * 1e6:.1f} us per delivery)")
    finally:
        server.stop()


if __name__ == "__main__":
    asyncio.run(welcome_sizes())
    for deflate in ["0", "1", "0", "1"]:
        asyncio.run(fan_out(deflate))
