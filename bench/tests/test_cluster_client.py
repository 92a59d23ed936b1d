"""The cluster part's minimal websocket (bench/cluster_client.py) against a real websockets server:
frames of every length encoding, fragmented messages, pings, and a lost connection, so its ack
counting rests on whole messages (run: .venv/bin/python -m pytest -q bench/tests)."""
import asyncio
import json
import os
import sys

import websockets

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cluster_client import HANDSHAKE, Link  # noqa: E402

SIZES = [5, 125, 126, 65535, 65536, 200_000]  # one, two and eight length bytes, at each boundary


async def echo_server(handler):
    server = await websockets.serve(handler, "127.0.0.1", 0, subprotocols=["detente.v1"], max_size=None, compression=None)
    return server, server.sockets[0].getsockname()[1]


async def connect(port, received, lost):
    loop = asyncio.get_running_loop()
    _, link = await loop.create_connection(lambda: Link(received.append, lambda: lost.set_result(True)), "127.0.0.1", port)
    link.transport.write(HANDSHAKE.format(code="ABC123", host="127.0.0.1", port=port).encode())
    await asyncio.wait_for(link.opened, 5)
    return link


async def until(predicate, timeout=5):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_messages_of_every_length_and_fragmented_ones_arrive_whole():
    async def run():
        async def handler(ws):
            assert ws.request.path == "/ws?w=ABC123", ws.request.path
            async for message in ws:  # the client's zero-masked frames decode: echo their sizes as JSON
                for n in SIZES:
                    await ws.send(json.dumps({"type": "ack", "pad": "x" * n, "ref": message}))
                await ws.send(("{\"type\":\"ack\",", "\"ref\":\"frag\"}"))  # a message in two frames
                await ws.ping()
        server, port = await echo_server(handler)
        received, lost = [], asyncio.get_running_loop().create_future()
        link = await connect(port, received, lost)
        link.send(b"hi")
        await until(lambda: len(received) == len(SIZES) + 1)
        got = [json.loads(m) for m in received]
        assert [len(m["pad"]) for m in got[:-1]] == SIZES
        assert all(m["ref"] == "hi" for m in got[:-1])
        assert got[-1] == {"type": "ack", "ref": "frag"}
        link.transport.close()
        server.close()
    asyncio.run(run())


def test_a_connection_closed_by_the_server_is_reported_lost():
    async def run():
        async def handler(ws):
            await ws.close()
        server, port = await echo_server(handler)
        received, lost = [], asyncio.get_running_loop().create_future()
        await connect(port, received, lost)
        assert await asyncio.wait_for(lost, 5)
        server.close()
    asyncio.run(run())
