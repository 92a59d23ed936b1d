"""Protocol-level batching (docs/PROTOCOL.md, Batching): a client that says `"batch": true` in
`hello` or `join` may receive one frame holding a JSON array of messages, and receives the same
messages in the same order as a client that did not ask. Checked by counting, not timing."""
import asyncio
import json

from harness import Client, Server, create_workshop, join


class Unbatching:
    """Wraps a websocket: a frame holding an array is handed out one message at a time."""

    def __init__(self, ws):
        self.ws = ws
        self.buffer = []
        self.frames = 0
        self.arrays = 0

    async def recv(self):
        if not self.buffer:
            raw = await self.ws.recv()
            self.frames += 1
            parsed = json.loads(raw)
            if not isinstance(parsed, list):
                return raw
            assert parsed, "a batch frame is never empty"
            self.arrays += 1
            self.buffer = [json.dumps(m) for m in parsed]
        return self.buffer.pop(0)

    def __getattr__(self, name):
        return getattr(self.ws, name)


async def seat(server, token, name, batch):
    c = await Client.connect(server, name)
    c.ws = Unbatching(c.ws)
    welcome = await c.call(type="hello", token=token, **({"batch": True} if batch else {}))
    assert welcome["type"] == "welcome", welcome
    return c


def messages_of(client, kinds):
    return [f for f in client.frames if f.get("type") in kinds]


async def room_with_timer(server):
    created, fac = await create_workshop(server, k=1)
    a = await join(server, created["code"], "Plain Reader", "dev")
    b = await join(server, created["code"], "Batch Reader", "dev")
    for msg in ({"type": "advance"}, {"type": "advance"}, {"type": "timer", "action": "start", "seconds": 3600}):
        assert (await fac.call(**msg))["type"] == "ack"
    return created, fac, a, b


async def new_messages(client, start, timers, timeout=15):
    """Reads until `timers` timer messages arrived after `start`, then whatever follows."""
    count = lambda: sum(1 for f in client.frames[start:] if f.get("type") == "timer")
    while count() < timers:
        await client.until(lambda f: f.get("type") == "timer", timeout=timeout)
    await client.drain()
    return [f for f in client.frames[start:] if f.get("type") != "presence"]


async def test_a_batching_client_gets_arrays_and_the_same_ordered_messages():
    server = Server().start()
    created, fac, a, b = await room_with_timer(server)
    plain = await seat(server, a.token, "plain", batch=False)
    batched = await seat(server, b.token, "batched", batch=True)
    await plain.drain()
    await batched.drain()
    start_plain, start_batched, frames_before = len(plain.frames), len(batched.frames), batched.ws.frames
    refs = [await fac.send(type="timer", action="extend", seconds=10) for _ in range(30)]
    got_plain = await new_messages(plain, start_plain, 30)
    got_batched = await new_messages(batched, start_batched, 30)
    assert len(got_plain) >= 60, f"each extend brings a timer message and the bot's line: {[f['type'] for f in got_plain]}"
    assert got_batched == got_plain, "the same messages, in the same order"
    assert plain.ws.arrays == 0, "a client that did not ask never gets an array"
    assert batched.ws.arrays >= 1, "pending messages came as arrays"
    assert batched.ws.frames - frames_before <= len(got_batched) // 2, "at most one frame per command"
    await fac.drain()
    assert [f["ref"] for f in fac.frames if f.get("type") == "ack" and f.get("ref") in refs] == refs
    server.stop()


async def test_batching_keeps_the_order_of_acks_and_broadcasts_over_numbered_commands():
    server = Server().start()
    created, fac = await create_workshop(server, k=1)
    a = await join(server, created["code"], "Order Writer", "dev")
    b = await join(server, created["code"], "Order Peer", "dev")
    await fac.call(type="advance")
    await fac.call(type="advance")
    writer = await seat(server, a.token, "writer", batch=True)
    peer = await seat(server, b.token, "peer", batch=True)
    texts = [f"numbered {i}: they value order" for i in range(30)]
    # 30: within the per-connection burst (40, one of them the hello).
    refs = [await writer.send(type="submit", kind="outmodel", text=t) for t in texts]
    mine = []
    while len([f for f in mine if f.get("type") == "ack"]) < 30 or len([f for f in mine if f.get("type") == "item"]) < 30:
        f = await writer.recv(timeout=10)
        assert f.get("type") != "error", f
        if f.get("type") in ("ack", "item"):
            mine.append(f)
    assert [f["ref"] for f in mine if f["type"] == "ack"] == refs, "acks in the order the commands were sent"
    assert [f["item"]["text"] for f in mine if f["type"] == "item"] == texts, "own items in order"
    for i, ref in enumerate(refs):
        ack_at = next(k for k, f in enumerate(mine) if f.get("ref") == ref)
        item_at = next(k for k, f in enumerate(mine) if f["type"] == "item" and f["item"]["text"] == texts[i])
        assert ack_at < item_at, f"command {i}: its ack comes before its broadcast"
    seen = []
    while len(seen) < 30:
        f = await peer.recv(timeout=10)
        if f.get("type") == "item":
            seen.append(f["item"]["text"])
    assert seen == texts
    assert writer.ws.arrays > 0, "pipelined commands were batched"
    server.stop()


async def test_a_batch_flag_that_is_not_a_boolean_is_refused():
    server = Server().start()
    created, fac = await create_workshop(server, k=1)
    c = await Client.connect(server, "odd")
    answer = await c.call(type="hello", token=created["facilitator_token"], batch="yes")
    assert answer["type"] == "error" and answer["code"] == "bad_message" and "batch" in answer["message"], answer
    server.stop()
