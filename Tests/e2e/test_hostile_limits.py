"""Abuse bounded per address and per seat, and a real room untouched by the limits: 300 people
behind one NAT address join and write with the default settings."""
import asyncio
import json
import os
import socket
import time
import urllib.error
import urllib.request

import pytest
import websockets

from harness import Client, ORGANISER, Server, create_workshop, join
from test_hostile_wire import close_code, connect, upgrade


@pytest.fixture
def limited():
    servers = []

    def start(**env):
        s = Server(env={k: str(v) for k, v in env.items()}).start()
        servers.append(s)
        return s
    yield start
    for s in servers:
        s.stop()


def lookup(server, code="ZZZZZZ", forwarded=None):
    req = urllib.request.Request(server.url + "/api/join/" + code, headers={"X-Forwarded-For": forwarded} if forwarded else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read())


async def test_join_code_guessing_is_slowed_per_address(limited):
    server = limited(DETENTE_JOIN_BURST=5, DETENTE_JOIN_RATE=1)
    statuses = [lookup(server, f"AAAAA{i}")[0] for i in range(5)]
    assert statuses == [404] * 5
    status, headers, body = lookup(server, "AAAAA9")
    assert status == 429 and body["code"] == "rate_limited" and int(headers["Retry-After"]) >= 1
    # A websocket join draws from the same bucket.
    c = await Client.connect(server, "guesser")
    reply = await c.call(type="join", code="BBBBBB", name="Guess", department="dev")
    assert reply["code"] == "rate_limited"
    time.sleep(1.1)
    assert lookup(server, "AAAAA8")[0] == 404  # refilled: one more try


def test_forwarded_for_counts_only_behind_a_trusted_proxy(limited):
    behind_proxy = limited(DETENTE_JOIN_BURST=2, DETENTE_JOIN_RATE=0.01, DETENTE_TRUSTED_PROXIES="127.0.0.1")
    assert [lookup(behind_proxy, forwarded="203.0.113.1")[0] for _ in range(3)] == [404, 404, 429]
    assert lookup(behind_proxy, forwarded="203.0.113.2")[0] == 404  # another client behind the proxy
    direct = limited(DETENTE_JOIN_BURST=2, DETENTE_JOIN_RATE=0.01)
    # Without a trusted proxy a forged header changes nothing: one address, one bucket.
    assert [lookup(direct, forwarded=f"203.0.113.{i}")[0] for i in range(3)] == [404, 404, 429]


async def test_reconnecting_does_not_multiply_the_seat_budget(limited):
    server = limited(DETENTE_SEAT_BURST=5, DETENTE_SEAT_RATE=2)
    created, fac = await create_workshop(server)
    dev = await join(server, created["code"], "Ann", "dev")
    await join(server, created["code"], "Bob", "ops")
    await fac.call(type="advance")
    await fac.call(type="advance")
    await dev.close()
    started, acks, limited_replies = time.time(), 0, 0
    while time.time() - started < 3:
        c = await Client.connect(server, "again")
        assert (await c.call(type="hello", token=dev.token))["type"] == "welcome"
        for i in range(3):
            reply = await c.call(type="submit", kind="outmodel", text=f"They value uptime, take {acks} {i}.")
            acks += reply["type"] == "ack"
            limited_replies += reply.get("code") == "rate_limited"
        await c.close()
    elapsed = time.time() - started
    assert limited_replies > 0
    assert acks <= 5 + 2 * elapsed + 1, (acks, elapsed)
    journal = open(os.path.join(server.sessions, created["workshop"] + ".journal")).read()
    assert sum("take " in line for line in journal.splitlines()) == acks  # refused submits were never stored


async def test_connections_per_address_are_capped(limited):
    server = limited(DETENTE_MAX_CONNECTIONS_PER_ADDRESS=3)
    open_ones = [upgrade(server.port)[0] for _ in range(3)]
    s, status, _, body = upgrade(server.port)
    assert status == 429 and b"too many" in body
    open_ones[0].close()
    time.sleep(0.3)
    s2, status, _, _ = upgrade(server.port)
    assert status == 101


async def test_a_connection_that_never_says_hello_is_closed(limited):
    server = limited(DETENTE_IDENTIFY_TIMEOUT=1)
    silent, status, _, _ = upgrade(server.port)
    assert status == 101
    org = await Client.connect(server, "org")
    assert (await org.call(type="hello", token=ORGANISER))["role"] == "organiser"
    started = time.time()
    assert close_code(silent) == 1008
    assert time.time() - started < 3
    await asyncio.sleep(1.5)
    assert (await org.call(type="ping"))["type"] == "pong"  # identified: no deadline


async def test_three_hundred_people_behind_one_address_are_not_limited(server):
    """All from 127.0.0.1, as a room behind one NAT address: each looks the code up (the join
    page does) and joins; 25 at a time, so a busy test machine measures limits, not load."""
    created, fac = await create_workshop(server, departments=("dev", "ops"))
    started, gate = time.time(), asyncio.Semaphore(25)

    async def arrive(i):
        async with gate:
            assert (await asyncio.to_thread(lookup, server, created["code"]))[0] == 200
            c = await Client.connect(server, f"p{i}", record=False)
            reply = await c.call(type="join", code=created["code"], name=f"Person {i}", department=("dev", "ops")[i % 2], timeout=30)
            assert reply["type"] == "joined", reply
            await c.until(lambda f: f.get("type") == "welcome", timeout=30)
            return c

    people = await asyncio.gather(*(arrive(i) for i in range(300)))
    joined = time.time() - started
    await fac.call(type="advance")
    await fac.call(type="advance")
    replies = await asyncio.gather(*(p.call(type="submit", kind="outmodel", text=f"They value stable releases, view {i}.", timeout=60)
                                     for i, p in enumerate(people)))
    assert [r["type"] for r in replies] == ["ack"] * 300
    print(f"300 look-ups and joins from one address in {joined:.1f} s; 300 submits acknowledged")
    for p in people:
        await p.ws.close()
