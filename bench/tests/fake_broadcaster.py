"""A misbehaving broadcaster for testing wsload's counting: `python fake_broadcaster.py MODE PORT`.

    two_frames  every message reaches every client as a matching frame plus a non-matching one
    batched     messages are held and flushed every 50 ms as one frame carrying all of them
    drop_first  the first client to connect is closed after the first message
    starve      the first client to connect never gets anything
"""
import asyncio
import json
import sys

import websockets

clients = []
pending = []


async def flusher():
    while True:
        await asyncio.sleep(0.05)
        if pending:
            frame = json.dumps([{"type": "timer", "n": n} for n in pending], separators=(",", ":"))
            pending.clear()
            websockets.broadcast(clients, frame)


async def handler(ws, mode):
    clients.append(ws)
    first = clients[0]
    try:
        async for message in ws:
            if mode == "two_frames":
                websockets.broadcast(clients, '{"type":"timer"}')
                websockets.broadcast(clients, '{"type":"bot","text":"noted"}')
            elif mode == "batched":
                pending.append(message)
            elif mode == "drop_first":
                await first.close()
                websockets.broadcast([c for c in clients if c is not first], '{"type":"timer"}')
            elif mode == "starve":
                websockets.broadcast([c for c in clients if c is not first], '{"type":"timer"}')
    finally:
        pass


async def main(port, mode):
    asyncio.create_task(flusher())
    async with websockets.serve(lambda ws: handler(ws, mode), "127.0.0.1", port, subprotocols=["detente.v1"], ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[2]), sys.argv[1]))
