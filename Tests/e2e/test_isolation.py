"""Workshops run on queues of their own (issue 13): a slow workshop delays no other, a room of
300 reconnecting at once gets its welcomes with bounded presence traffic, and per-connection
order holds. Checked by counting, not by timing."""
import asyncio
import json

import websockets

from harness import Client, Server, create_workshop, join


async def test_a_slow_draft_in_one_workshop_delays_no_other():
    server = Server(env={"DETENTE_TEST_SLOW_DRAFT_MS": "3000"}).start()
    a, fac_a = await create_workshop(server, k=1)
    for d in ("dev", "ops"):
        await join(server, a["code"], f"A {d}", d)
    for _ in range(6):
        await fac_a.call(type="advance", force=True)  # lobby → … → reactions
    b, fac_b = await create_workshop(server, k=1)
    writer = await join(server, b["code"], "B writer", "dev")
    await fac_b.call(type="advance")
    await fac_b.call(type="advance")
    order = []
    slow = asyncio.create_task(fac_a.call(type="advance", timeout=20))  # into agreement: drafts slowly
    await asyncio.sleep(0.2)

    async def other_workshop():
        for i in range(20):
            r = await writer.call(type="submit", kind="outmodel", text=f"meanwhile item {i}: they value calm", timeout=20)
            assert r["type"] == "ack", r
            order.append("b")

    async def draft():
        r = await slow
        assert r["type"] == "ack", r
        order.append("a")

    await asyncio.gather(other_workshop(), draft())
    assert order.index("a") == 20, f"the other workshop's 20 acks came while the slow draft ran: {order}"
    server.stop()


async def test_a_room_of_300_reconnecting_at_once_gets_bounded_presence():
    server = Server().start()
    created, fac = await create_workshop(server, k=1)
    people = []
    for i in range(300):
        people.append(await join(server, created["code"], f"Person {i:03d}", "dev" if i % 2 else "ops"))
    for p in people:
        await p.close()
    await asyncio.sleep(0.5)

    async def reconnect(p):
        c = await Client.connect(server, p.name)
        hello = await c.call(type="hello", token=p.token, timeout=20)
        assert hello["type"] == "welcome", hello
        return c

    clients = await asyncio.gather(*[reconnect(p) for p in people])
    await asyncio.sleep(1.5)
    for c in clients:
        await c.drain(0.05)
    presence = [[f for f in c.frames if f.get("type") == "presence"] for c in clients]
    counts = [len(p) for p in presence]
    sizes = [sum(len(json.dumps(f)) for f in p) for p in presence]
    assert max(counts) <= 12, f"presence frames per connection: max {max(counts)}"
    assert max(sizes) <= 12 * 1024, f"presence bytes per connection: max {max(sizes)}"
    # Departments of 150 are counted, not listed, and the counts are right.
    last = presence[0][-1]
    rows = {r["department"]: r for r in last["departments"]}
    assert rows["dev"]["members"] == 150 and rows["dev"]["online"] == 150 and rows["dev"].get("people_omitted") is True
    print(f"300 reconnects: presence frames per connection max {max(counts)}, bytes max {max(sizes)}, total {sum(sizes)}")
    for c in clients:
        assert c.ws.state is websockets.protocol.State.OPEN, "no reading client was dropped"
        await c.close()
    server.stop()


async def test_acks_and_broadcasts_keep_each_connections_order():
    server = Server().start()
    created, fac = await create_workshop(server, k=1)
    p = await join(server, created["code"], "Order Test", "dev")
    peer = await join(server, created["code"], "Order Peer", "dev")
    await fac.call(type="advance")
    await fac.call(type="advance")
    refs = [await p.send(type="submit", kind="outmodel", text=f"numbered {i}: they value order") for i in range(40)]
    acks = []
    while len(acks) < 40:
        f = await p.recv(timeout=10)
        if f.get("type") == "ack":
            acks.append(f["ref"])
    assert acks == refs, "acks arrive in the order the commands were sent"
    seen = []
    while len(seen) < 40:
        f = await peer.recv(timeout=10)
        if f.get("type") == "item":
            seen.append(f["item"]["text"])
    assert seen == [f"numbered {i}: they value order" for i in range(40)]
    server.stop()


async def test_a_command_sent_right_behind_hello_waits_for_the_seat():
    server = Server().start()
    created, fac = await create_workshop(server, k=1)
    p = await join(server, created["code"], "Pipelined", "dev")
    await fac.call(type="advance")
    await fac.call(type="advance")
    await p.close()
    for round_ in range(20):
        c = await Client.connect(server, f"pipe{round_}")
        hello_ref = await c.send(type="hello", token=p.token)
        submit_ref = await c.send(type="submit", kind="outmodel", text=f"pipelined {round_}: they value calm")
        welcome = await c.until(lambda f: f.get("ref") == hello_ref)
        ack = await c.until(lambda f: f.get("ref") == submit_ref)
        assert welcome["type"] == "welcome" and ack["type"] == "ack", (welcome, ack)
        await c.close()
    server.stop()
