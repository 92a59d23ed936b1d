"""Counts frames (`progress` to facilitators, `department_progress` to a department) carry the
latest counts at the presence pace (docs/PROTOCOL.md): a burst of items costs a few of them, not
one per item, and the last one always says where the counts ended. Checked by counting."""
import asyncio
import time

from harness import create_workshop, join

ITEMS = 40
FLUSH_SECONDS = 0.25


def last_of(client, kind):
    frames = [f for f in client.frames if f.get("type") == kind]
    return frames[-1] if frames else None


async def test_a_burst_of_items_costs_a_few_counts_frames_that_end_on_the_final_counts(server):
    created, fac = await create_workshop(server, k=1)
    writer = await join(server, created["code"], "Ann Writer", "dev")
    peer = await join(server, created["code"], "Bo Peer", "dev")
    other = await join(server, created["code"], "Cy Other", "ops")
    assert (await fac.call(type="advance"))["type"] == "ack"
    assert (await fac.call(type="advance"))["type"] == "ack"
    for c in (fac, writer, peer, other):
        await c.drain()
    marks = {c: len(c.frames) for c in (fac, peer, other)}
    started = time.monotonic()
    refs = [await writer.send(type="submit", kind="outmodel", text=f"They page us at night, point {i}.") for i in range(ITEMS)]
    for ref in refs:
        ack = await writer.until(lambda f, ref=ref: f.get("ref") == ref and f.get("type") in ("ack", "error"))
        assert ack["type"] == "ack", ack
    # The peer sees every item at once; the counts follow within a flush or two.
    for _ in range(ITEMS):
        await peer.until(lambda f: f.get("type") == "item")
    await asyncio.sleep(0.8)
    for c in (fac, peer, other):
        await c.drain()
    # At most one per flush while the burst lasted (however slow the machine), and fewer than one per item.
    bound = min(ITEMS - 1, int((time.monotonic() - started) / FLUSH_SECONDS) + 2)

    dept = [f for f in peer.frames[marks[peer]:] if f.get("type") == "department_progress"]
    assert dept, "the department hears its counts"
    assert len(dept) <= bound, f"{len(dept)} department_progress frames for {ITEMS} items (bound {bound}): not one per item"
    assert dept[-1]["contributors"] == 1 and dept[-1]["members"] == 2, dept[-1]
    progress = [f for f in fac.frames[marks[fac]:] if f.get("type") == "progress"]
    assert progress and len(progress) <= bound, f"{len(progress)} progress frames for {ITEMS} items (bound {bound})"
    devs = next(d for d in progress[-1]["departments"] if d["department"] == "dev")
    assert devs["outmodel"] == ITEMS, progress[-1]
    # Another department gets neither the items nor dev's counts.
    assert not [f for f in other.frames[marks[other]:] if f.get("type") in ("item", "department_progress") and f.get("department") == "dev"]
    assert last_of(other, "progress") is None, "a participant never gets the facilitator's counts"
