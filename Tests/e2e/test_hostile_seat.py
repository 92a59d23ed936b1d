"""Seat takeover: a second hello with a participant's token moves the seat to the new
connection; the earlier one is told `seat_taken`, closed, and hears nothing more."""
import asyncio

import pytest
import websockets

from harness import Client, create_workshop, join


async def test_second_hello_with_a_participant_token_takes_the_seat_and_tells_the_first(server):
    created, fac = await create_workshop(server)
    first = await join(server, created["code"], "Ann", "dev")
    await join(server, created["code"], "Bob", "ops")
    second = await Client.connect(server, "second")
    assert (await second.call(type="hello", token=first.token))["type"] == "welcome"
    told = await first.until(lambda f: f.get("type") == "seat_taken")
    assert told == {"type": "seat_taken"}
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(first.ws.recv(), 5)
    assert closed.value.rcvd.code == 1000
    # The new connection holds the seat and works.
    await fac.call(type="advance")
    await fac.call(type="advance")
    ack = await second.call(type="submit", kind="outmodel", text="They value calm release weeks.")
    assert ack["type"] == "ack"


async def test_facilitator_may_be_connected_twice(server):
    created, fac = await create_workshop(server)
    projector = await Client.connect(server, "projector")
    assert (await projector.call(type="hello", token=created["facilitator_token"]))["type"] == "welcome"
    await fac.drain(0.3)
    assert not any(f.get("type") == "seat_taken" for f in fac.frames)
    assert (await fac.call(type="ping"))["type"] == "pong"
