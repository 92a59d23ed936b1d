"""Shared test harness: a real detente server process on a free port with its own data folder,
and a small websocket client built on the `websockets` library."""
import asyncio
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
import websockets

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # Tests/support/ -> repo
BIN = os.environ.get("DETENTE_BIN", os.path.join(ROOT, ".build/debug/detente"))
ORGANISER = "test-organiser-token-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, sessions=None, extra_args=(), env=None):
        self.port = free_port()
        self.sessions = sessions or tempfile.mkdtemp(prefix="detente-test-")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, DETENTE_ORGANISER_TOKEN=ORGANISER, **(env or {}))
        self.proc = None
        self.log_path = os.path.join(self.sessions, "server.out")
        self.err_path = os.path.join(self.sessions, "server.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}/ws"

    def start(self):
        self.log = open(self.log_path, "ab")
        self.err = open(self.err_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", str(self.port), "--sessions", self.sessions, "--public", os.path.join(ROOT, "Public")]
            + self.extra_args, stdout=self.log, stderr=self.err, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except Exception:
                time.sleep(0.05)
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + self.logs() + self.errors())
        raise RuntimeError("server did not become healthy:\n" + self.logs() + self.errors())

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode if self.proc else None

    def logs(self):
        return open(self.log_path, encoding="utf-8", errors="replace").read()

    def errors(self):
        return open(self.err_path, encoding="utf-8", errors="replace").read()

    def detente(self, *args):
        return subprocess.run([BIN, *args], capture_output=True, text=True)


class Client:
    """Records every frame it receives, so tests can assert visibility rules over all of them."""

    def __init__(self, ws, name="", record=True):
        self.record = record
        self.ws = ws
        self.name = name
        self.frames = []
        self.pending = []
        self.ref = 0

    @classmethod
    async def connect(cls, server, name="", record=True, **kw):
        # Unbounded queue: a test client that reads late must not stall the socket (and its close).
        ws = await websockets.connect(server.ws_url, subprotocols=["detente.v1"], max_size=2 ** 22, max_queue=None, **kw)
        return cls(ws, name, record)

    async def send(self, **msg):
        self.ref += 1
        msg.setdefault("ref", f"{self.name}-{self.ref}")
        await self.ws.send(json.dumps(msg))
        return msg["ref"]

    async def recv(self, timeout=5):
        if self.pending:
            return self.pending.pop(0)
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        frame = json.loads(raw)
        self.frames.append(frame)
        return frame

    async def until(self, predicate, timeout=5):
        """Returns the first frame matching `predicate`, keeping the others for later."""
        for i, f in enumerate(self.pending):
            if predicate(f):
                return self.pending.pop(i)
        deadline = time.time() + timeout
        while True:
            remaining = deadline - time.time()
            if remaining <= 0:
                raise asyncio.TimeoutError(f"{self.name}: no matching frame; last frames: {self.frames[-5:]}")
            raw = await asyncio.wait_for(self.ws.recv(), remaining)
            frame = json.loads(raw)
            if self.record:
                self.frames.append(frame)
            if predicate(frame):
                return frame
            if self.record:
                self.pending.append(frame)

    async def call(self, timeout=5, **msg):
        """Sends a message and waits for its ack or error (matched by ref)."""
        ref = await self.send(**msg)
        return await self.until(lambda f: f.get("ref") == ref and f.get("type") in ("ack", "error", "welcome", "created", "joined", "pong"), timeout)

    async def drain(self, quiet=0.3):
        try:
            while True:
                raw = await asyncio.wait_for(self.ws.recv(), quiet)
                self.frames.append(json.loads(raw))
        except (asyncio.TimeoutError, websockets.ConnectionClosed):
            pass

    async def close(self):
        await self.ws.close()


async def create_workshop(server, departments=("dev", "ops"), title="Test workshop", k=3):
    org = await Client.connect(server, "org")
    created = await org.call(type="create", organiser_token=ORGANISER, title=title, departments=list(departments), k=k)
    assert created["type"] == "created", created
    await org.close()
    fac = await Client.connect(server, "fac")
    welcome = await fac.call(type="hello", token=created["facilitator_token"])
    assert welcome["type"] == "welcome" and welcome["role"] == "facilitator"
    return created, fac


async def join(server, code, name, department):
    c = await Client.connect(server, name)
    ref = await c.send(type="join", code=code, name=name, department=department)
    joined = await c.until(lambda f: f.get("type") in ("joined", "error") and f.get("ref") == ref)
    assert joined["type"] == "joined", joined
    await c.until(lambda f: f.get("type") == "welcome")
    c.token = joined["token"]
    c.participant = joined["participant"]
    c.department = department
    return c
