"""Answers before broadcasts (Sources/DetenteTransport/WritePacing.swift): with broadcasts released
two connections per service pass, a command's ack is written before most of its broadcast, and
every connection still gets its own frames in order. Checked by counting (the server's stage
trace counts the writes that carried the broadcast before the ack), not by timing."""
import asyncio
import os
import tempfile

from harness import Client, Server, create_workshop, join

PER_PASS = 2
ROOM = 12


def traced_commands(path):
    """(broadcast connections written before the ack, in all) per traced command."""
    rows = []
    for line in open(path):
        parts = line.split()
        if len(parts) == 10 and parts[0] == "0.00" and "/" in parts[9]:
            before, total = parts[9].split("/")
            rows.append((int(before), int(total)))
    return rows


async def room_joined_before_its_facilitator(server):
    """A room whose facilitator connects after everyone else (lws serves descriptors in order,
    so without pacing the facilitator would be written last)."""
    created, first = await create_workshop(server, k=1)
    await first.close()
    people = [await join(server, created["code"], f"Pacing Reader {i}", "dev") for i in range(ROOM)]
    fac = await Client.connect(server, "fac-last")
    welcome = await fac.call(type="hello", token=created["facilitator_token"])
    assert welcome["type"] == "welcome", welcome
    return fac, people


async def test_an_ack_is_written_before_most_of_its_broadcast():
    trace = os.path.join(tempfile.mkdtemp(prefix="detente-trace-"), "stages.txt")
    server = Server(env={"DETENTE_BROADCAST_PER_PASS": str(PER_PASS), "DETENTE_TRACE_STAGES": trace}).start()
    fac, people = await room_joined_before_its_facilitator(server)
    for msg in ({"type": "advance"}, {"type": "advance"}, {"type": "timer", "action": "start", "seconds": 600}):
        assert (await fac.call(**msg))["type"] == "ack"
    for p in people:
        await p.until(lambda f: f.get("type") == "timer", timeout=10)
    assert server.stop() == 0
    rows = [r for r in traced_commands(trace) if r[1] > PER_PASS]
    assert len(rows) >= 3, f"the three commands were traced with their broadcasts: {open(trace).read()[:2000]}"
    for before, total in rows:
        assert total >= ROOM, (before, total)
        assert before <= PER_PASS, f"{before} of {total} connections got the broadcast before the ack was written"


async def test_paced_broadcasts_keep_each_connections_frames_in_order():
    server = Server(env={"DETENTE_BROADCAST_PER_PASS": str(PER_PASS)}).start()
    created, fac = await create_workshop(server, k=1)
    writer = await join(server, created["code"], "Paced Writer", "dev")
    peers = [await join(server, created["code"], f"Paced Peer {i}", "dev") for i in range(6)]
    await fac.call(type="advance")
    await fac.call(type="advance")
    texts = [f"numbered {i}: they value order" for i in range(30)]
    refs = [await writer.send(type="submit", kind="outmodel", text=t) for t in texts]  # within the burst of 40
    mine = []
    while sum(f["type"] == "ack" for f in mine) < 30 or sum(f["type"] == "item" for f in mine) < 30:
        f = await writer.recv(timeout=10)
        assert f.get("type") != "error", f
        if f.get("type") in ("ack", "item"):
            mine.append(f)
    assert [f["ref"] for f in mine if f["type"] == "ack"] == refs, "acks in the order the commands were sent"
    assert [f["item"]["text"] for f in mine if f["type"] == "item"] == texts
    for i, ref in enumerate(refs):
        ack_at = next(k for k, f in enumerate(mine) if f.get("ref") == ref)
        item_at = next(k for k, f in enumerate(mine) if f["type"] == "item" and f["item"]["text"] == texts[i])
        assert ack_at < item_at, f"command {i}: its ack comes before its broadcast"
    for p in peers:
        seen = []
        while len(seen) < 30:
            f = await p.recv(timeout=10)
            if f.get("type") == "item":
                seen.append(f["item"]["text"])
        assert seen == texts, p.name
    server.stop()


if __name__ == "__main__":
    asyncio.run(test_an_ack_is_written_before_most_of_its_broadcast())
