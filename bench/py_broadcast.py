"""Reference: the usual Python alternative, a `websockets` server using broadcast()."""
import asyncio
import sys

import websockets

clients = set()


async def handler(ws):
    clients.add(ws)
    try:
        async for message in ws:
            websockets.broadcast(clients, message)
    finally:
        clients.discard(ws)


async def main(port):
    async with websockets.serve(handler, "127.0.0.1", port, subprotocols=["detente.v1"], max_queue=None, ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
