#!/usr/bin/env python3
"""One load-client process of the cluster benchmark (bench/cluster.py starts one per core).

Why not wsload.c: every connection here must name its workshop in the URL (`/ws?w=<code>`, the
proxy hashes on it) and, in the failover run, reconnect through the proxy, retry `unavailable`
and resend its unacknowledged item with the same `client_id`. A raw asyncio websocket (no
per-frame library parsing: only acks, errors and welcomes are looked at) keeps the cost per
frame to a few µs; cluster.py reports this process's CPU per ack to show it is not the limit.

Protocol with the parent, one JSON line each way on stdin/stdout:
  stdin  {"host", "port", "seats": [[code, token, workshop], ...], "rate", "tag", "failover"}
  stdout {"ready": n}                      once every seat has its welcome
  stdin  {"go": true, "seconds": s}        start writing (monotonic clocks are shared)
  stdout {result}                          when done
"""
import asyncio
import json
import os
import random
import resource
import sys
import time

OPCODE_TEXT, OPCODE_CLOSE, OPCODE_PING, OPCODE_CONT = 0x1, 0x8, 0x9, 0x0
HANDSHAKE = ("GET /ws?w={code} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: detente.v1\r\n\r\n")


def frame(payload, opcode=OPCODE_TEXT):
    """A client frame with a zero mask (the XOR is then the identity; servers must accept any key)."""
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, 0x80 | n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
    return head + b"\0\0\0\0" + payload


class Link(asyncio.Protocol):
    """One websocket: handshake, then whole messages (fragments joined) to `on_message`."""

    def __init__(self, on_message, on_lost):
        self.buf, self.parts, self.upgraded = bytearray(), [], False
        self.on_message, self.on_lost, self.transport = on_message, on_lost, None
        self.opened = asyncio.get_running_loop().create_future()

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("closed during the handshake"))
        self.on_lost()

    def send(self, payload, opcode=OPCODE_TEXT):
        if self.transport and not self.transport.is_closing():
            self.transport.write(frame(payload, opcode))

    def data_received(self, data):
        self.buf += data
        if not self.upgraded:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101" not in self.buf[:end]:
                self.opened.set_exception(ConnectionError(bytes(self.buf[:end]).decode(errors="replace").split("\r\n")[0]))
                self.transport.close()
                return
            del self.buf[:end + 4]
            self.upgraded = True
            self.opened.set_result(True)
        self.frames()

    def frames(self):
        buf, off = self.buf, 0
        while len(buf) - off >= 2:
            b0, n, h = buf[off], buf[off + 1] & 127, 2
            if n == 126:
                if len(buf) - off < 4:
                    break
                n, h = int.from_bytes(buf[off + 2:off + 4], "big"), 4
            elif n == 127:
                if len(buf) - off < 10:
                    break
                n, h = int.from_bytes(buf[off + 2:off + 10], "big"), 10
            if len(buf) - off < h + n:
                break
            self.one_frame(b0, bytes(buf[off + h:off + h + n]))
            off += h + n
        del buf[:off]

    def one_frame(self, b0, payload):
        opcode, fin = b0 & 15, b0 & 0x80
        if opcode == OPCODE_PING:
            self.send(payload, 0xA)
        elif opcode == OPCODE_CLOSE:
            self.transport.close()
        elif opcode in (OPCODE_TEXT, OPCODE_CONT):
            self.parts.append(payload)
            if fin:
                message, self.parts = b"".join(self.parts), []
                self.on_message(message)


class Seat:
    """A participant: says hello, writes one item at a time (or at `rate`), and in a failover run
    reconnects until welcomed again and resends what was not acknowledged, with its client_id."""

    def __init__(self, run, index, code, token, workshop):
        self.run, self.index, self.code, self.token, self.workshop = run, index, code, token, workshop
        self.link, self.welcomed, self.lost = None, None, None
        self.pending = None  # (ref, text, client_id, sent_at)
        self.next = 0
        self.dropped_at, self.resumed = None, []

    async def seat(self, deadline, reconnect=False):
        """Connects and waits for the welcome, retrying refusals and `unavailable` until the deadline,
        with the pages' backoff (Public/js/connection.js: min(10 s, 250 ms × 2^attempt) + up to
        250 ms of jitter before every reconnect), so a failover sees what browsers would do."""
        loop = asyncio.get_running_loop()
        attempt, wait = 0, reconnect  # the first connection goes at once, a reconnect after the delay
        while True:
            if wait:
                await asyncio.sleep(min(10.0, 0.25 * 2 ** attempt) + self.run.random.random() * 0.25)
                attempt += 1
            wait = True
            self.welcomed, self.lost = loop.create_future(), loop.create_future()
            try:
                _, self.link = await loop.create_connection(lambda: Link(self.on_message, self.on_lost), self.run.host, self.run.port)
                self.link.transport.write(HANDSHAKE.format(code=self.code, host=self.run.host, port=self.run.port).encode())
                await asyncio.wait_for(self.link.opened, 10)
                self.link.send(json.dumps({"type": "hello", "token": self.token, "ref": "hello"}).encode())
                if await asyncio.wait_for(self.welcomed, 30):
                    return True
                self.run.retries += 1
            except (OSError, ConnectionError, asyncio.TimeoutError) as e:
                self.run.connect_errors[type(e).__name__] = self.run.connect_errors.get(type(e).__name__, 0) + 1
            if self.link and self.link.transport:
                self.link.transport.close()
            if time.monotonic() > deadline:
                self.run.failures.append(f"seat {self.index} never welcomed (hello errors {self.run.hello_errors}, "
                                         f"connect errors {self.run.connect_errors})")
                return False

    def on_lost(self):
        if self.welcomed and not self.welcomed.done():
            self.welcomed.set_result(False)
        if self.lost and not self.lost.done():
            self.lost.set_result(True)

    def on_message(self, m):
        head = m[:48]
        if b'"type":"ack"' in head:
            self.on_ack(json.loads(m))
        elif b'"type":"welcome"' in head:
            if not self.welcomed.done():
                self.welcomed.set_result(True)
        elif b'"type":"error"' in head:
            self.on_error(json.loads(m))

    def on_ack(self, msg):
        p = self.pending
        if not p or msg.get("ref") != p[0]:
            return
        now = time.monotonic()
        self.pending = None
        self.run.acked(self, p, now, msg.get("id"))
        self.run.wake(self)

    def on_error(self, msg):
        code = msg.get("code", "?")
        if msg.get("ref") == "hello":
            if not self.welcomed.done():
                self.welcomed.set_result(False)
            self.run.hello_errors[code] = self.run.hello_errors.get(code, 0) + 1
            return
        self.run.errors[code] = self.run.errors.get(code, 0) + 1
        if self.pending and msg.get("ref") == self.pending[0]:
            self.pending = None  # a refused item is not acked; counted as an error
            self.run.wake(self)

    def submit(self):
        ref = self.next
        self.next += 1
        text = f"{self.run.tag} {self.workshop} c{os.getpid()}s{self.index} item {ref}: they value a quiet pager."
        self.pending = (ref, text, f"{self.run.tag}-{self.index}-{ref}", time.monotonic())
        self.send_pending()

    def send_pending(self):
        ref, text, client_id, _ = self.pending
        self.link.send(json.dumps({"type": "submit", "kind": "outmodel", "text": text, "ref": ref, "client_id": client_id}).encode())

    async def write(self, until):
        """Writes until `until`; after a dropped connection (failover) seats again and resends."""
        start = self.run.start
        while time.monotonic() < until:
            if self.lost.done():
                if not self.run.failover:
                    self.run.failures.append(f"seat {self.index}: connection lost at +{time.monotonic() - start:.2f} s")
                    return
                await self.reseat(until + 30)
                continue
            if self.pending is None:
                if self.run.rate:
                    due = start + self.next / self.run.rate + (self.index % 97) / 97 / self.run.rate
                    if due > time.monotonic():
                        await asyncio.sleep(due - time.monotonic())
                        continue
                self.submit()
            waiter = self.run.waiter(self)
            await asyncio.wait([waiter, self.lost], timeout=max(0.0, until - time.monotonic()), return_when=asyncio.FIRST_COMPLETED)

    async def reseat(self, deadline):
        self.dropped_at = time.monotonic()
        await self.seat(deadline, reconnect=True)
        self.resumed.append((self.workshop, self.dropped_at, time.monotonic()))
        if self.pending:
            ref, text, client_id, sent_at = self.pending
            self.pending = (self.next, text, client_id, sent_at)  # a new ref, the same client_id: never stored twice
            self.next += 1
            self.send_pending()


class Run:
    def __init__(self, spec):
        self.host, self.port, self.rate, self.tag = spec["host"], spec["port"], spec.get("rate", 0), spec["tag"]
        self.failover = spec.get("failover", False)
        self.seats = [Seat(self, i, *s) for i, s in enumerate(spec["seats"])]
        self.samples = []  # (ack time, latency) of acks within the measured window
        self.acked_texts = []
        self.errors, self.hello_errors, self.connect_errors, self.failures = {}, {}, {}, []
        self.retries, self.start, self.end = 0, None, None
        self.waiters = {}
        self.seed = spec.get("seed", os.getpid())
        self.random = random.Random(self.seed)

    def waiter(self, seat):
        f = asyncio.get_running_loop().create_future()
        self.waiters[seat.index] = f
        return f

    def wake(self, seat):
        f = self.waiters.pop(seat.index, None)
        if f and not f.done():
            f.set_result(True)

    def acked(self, seat, pending, now, item):
        if now <= self.end:
            self.samples.append((round(now, 4), round(now - pending[3], 5)))
        if self.failover:
            self.acked_texts.append((seat.workshop, pending[1], item))


async def main():
    spec = json.loads(sys.stdin.readline())
    run = Run(spec)
    sem = asyncio.Semaphore(200)

    async def seat(s):
        async with sem:
            return await s.seat(time.monotonic() + 120)
    t0 = time.monotonic()
    seated = await asyncio.gather(*(seat(s) for s in run.seats))
    run.seats = [s for s, ok in zip(run.seats, seated) if ok]
    print(json.dumps({"ready": len(run.seats), "seconds": time.monotonic() - t0}), flush=True)
    go = json.loads(await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline))
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    run.start = time.monotonic()
    run.end = run.start + go["seconds"]
    await asyncio.gather(*(s.write(run.end) for s in run.seats))
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    # in-flight items after the end are left unacknowledged (not counted, not checked)
    for s in run.seats:
        if s.link and s.link.transport:
            s.link.transport.close()
    print(json.dumps({"start": run.start, "end": run.end, "samples": run.samples, "errors": run.errors, "hello_errors": run.hello_errors,
                      "connect_errors": run.connect_errors, "failures": run.failures[:5], "failure_count": len(run.failures),
                      "cpu_seconds": cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime,
                      "resumed": [r for s in run.seats for r in s.resumed], "acked_texts": run.acked_texts, "pid": os.getpid(),
                      "seed": run.seed}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
