"""The processes of the cluster benchmark: a throwaway PostgreSQL (as tools/cluster/cluster.sh
starts it: initdb in a temp folder, as the `postgres` user when root, Unix socket only), Detente
nodes on PostgreSQL or files, HAProxy with the shipped tools/cluster/haproxy.cfg.in, and
workshops created and joined through the proxy (`/ws?w=<join code>`)."""
import asyncio
import glob
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

from common import ORGANISER, ROOT, Detente, free_port, rss_kib, wait_port

# Limits the bench must not meet: every connection and join comes from 127.0.0.1 (through the proxy,
# which names it in X-Forwarded-For: still one address).
UNLIMITED = {"DETENTE_MAX_CONNECTIONS_PER_ADDRESS": "1000000", "DETENTE_TRUSTED_PROXIES": "127.0.0.1", "DETENTE_JOIN_BURST": "1000000", "DETENTE_JOIN_RATE": "1000000", "DETENTE_SEAT_RATE": "100000",
             "DETENTE_SEAT_BURST": "100000", "DETENTE_RATE": "100000", "DETENTE_BURST": "100000"}
ALL_CPUS = "0,1"  # nodes, PostgreSQL, HAProxy and clients share both cores, as a small real host would


def as_postgres(argv):
    return ["runuser", "-u", "postgres", "--", *argv] if os.getuid() == 0 else argv


class Postgres:
    def __init__(self, settings=()):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))[-1]
        self.dir = tempfile.mkdtemp(prefix="detente-bench-pg-")
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        subprocess.run(as_postgres([f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "postgres", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/pg.log", "-w", "-o",
                                    f"-k {self.dir} -p {self.port} -c listen_addresses='' " + " ".join(f"-c {x}" for x in settings), "start"]),
                       check=True, stdout=subprocess.DEVNULL)

    def url(self, db):
        return f"postgresql:///{db}?host={self.dir}&port={self.port}&user=postgres"

    def sql(self, db, query, check=True):
        out = subprocess.run(["psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", db, "-At", "-F", "\t", "-c", query],
                             capture_output=True, text=True, check=check)
        return [line.split("\t") for line in out.stdout.splitlines() if line]

    def create_database(self, db):
        self.sql("postgres", f"CREATE DATABASE {db}")
        return self.url(db)

    def pids(self):
        """The postmaster and its children (backends, WAL writer, checkpointer...)."""
        master = int(open(f"{self.dir}/data/postmaster.pid").readline())
        kids = [int(p) for p in open(f"/proc/{master}/task/{master}/children").read().split()]
        return [master, *kids]

    def stop(self):
        subprocess.run(as_postgres([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "-w", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class HAProxy:
    """tools/cluster/haproxy.cfg.in filled in as cluster.sh does, run in the foreground."""

    def __init__(self, ports, defaults=()):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="detente-bench-haproxy-")
        servers = "".join(f"    server node{i + 1} 127.0.0.1:{p} check\n" for i, p in enumerate(ports))
        template = open(os.path.join(ROOT, "tools/cluster/haproxy.cfg.in")).read()
        self.cfg = os.path.join(self.dir, "haproxy.cfg")
        text = template.replace("@PORT@", str(self.port)).replace("@SERVERS@\n", servers)
        # The bench reads each server's UP->DOWN transitions from a stats socket.
        self.socket = os.path.join(self.dir, "stats.sock")
        text = text.replace("global\n", f"global\n    stats socket {self.socket} level admin\n", 1)
        if defaults:  # a variant under test: extra lines at the end of `defaults`
            text = text.replace("\nfrontend ", "".join(f"    {d}\n" for d in defaults) + "\nfrontend ", 1)
        open(self.cfg, "w").write(text)
        self.proc = subprocess.Popen(["taskset", "-c", ALL_CPUS, "haproxy", "-db", "-q", "-f", self.cfg],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)
        self.maxconn = int(next(line.split()[1] for line in template.splitlines() if line.strip().startswith("maxconn")))

    def stats(self):
        """server name -> (status, times marked down) from `show stat`."""
        import socket
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.socket)
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        head = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(head, line.split(","))) for line in lines[1:] if line]
        return {r["svname"]: (r["status"], int(r["chkdown"] or 0)) for r in rows if r["svname"].startswith("node")}

    def rss_kib(self):
        return rss_kib(self.proc.pid)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def node(binary, store_url=None):
    """A Detente node on PostgreSQL (`store_url`, with hand-over as `make cluster` runs it) or on files."""
    extra, env = [], dict(UNLIMITED)
    if store_url:
        extra += ["--store", store_url]
        env["DETENTE_HAND_OVER"] = "1"
    return Detente(binary, extra, env=env, cpus=ALL_CPUS)


def owned(n):
    try:
        return int(n.metrics().get("detente_workshops_owned", 0))
    except OSError:
        return None


def kill(n):
    n.proc.send_signal(signal.SIGKILL)
    n.proc.wait()
    n.log.close()


class Deployment:
    """Nodes, optionally behind HAProxy; `port` is where clients connect."""

    def __init__(self, name, nodes, proxy, label, pg=None, db=None):
        self.name, self.nodes, self.proxy, self.label, self.pg, self.db = name, nodes, proxy, label, pg, db
        self.port = proxy.port if proxy else nodes[0].port
        self.workshops = []  # (code, workshop id, facilitator token, [participant tokens])

    def seats(self):
        return [[code, token, wid] for code, wid, _, tokens in self.workshops for token in tokens]

    def stop(self):
        if self.proxy:
            self.proxy.stop()
        for n in self.nodes:
            if n.proc.poll() is None:
                n.stop()


async def _call(port, key, message, until, attempts=200):
    """One request on a fresh websocket through the proxy, retrying the documented `unavailable`."""
    import websockets
    url = f"ws://127.0.0.1:{port}/ws" + (f"?w={key}" if key else "")
    for _ in range(attempts):
        async with websockets.connect(url, subprotocols=["detente.v1"], open_timeout=60, ping_interval=None, max_size=None) as ws:
            await ws.send(json.dumps(message))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == until:
                    return frame
                if frame["type"] == "error":
                    break
        if frame.get("code") != "unavailable":
            raise RuntimeError(f"{message['type']}: {frame}")
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{message['type']}: still unavailable")


async def _facilitate(port, code, token):
    """Into the outmodel phase with its timer running (as common.setup_workshop does), through the proxy."""
    import websockets
    url = f"ws://127.0.0.1:{port}/ws?w={code}"
    for attempt in range(200):
        async with websockets.connect(url, subprotocols=["detente.v1"], open_timeout=60, ping_interval=None, max_size=None) as ws:
            await ws.send(json.dumps({"type": "hello", "token": token, "ref": "hello"}))
            frame = json.loads(await ws.recv())
            while frame["type"] not in ("welcome", "error"):
                frame = json.loads(await ws.recv())
            if frame["type"] == "error":
                await asyncio.sleep(0.1)
                continue
            for i, msg in enumerate([{"type": "advance"}, {"type": "advance"}, {"type": "timer", "action": "start", "seconds": 3600}]):
                await ws.send(json.dumps({**msg, "ref": f"f{i}"}))
                while (frame := json.loads(await ws.recv())).get("ref") != f"f{i}":
                    pass
                if frame["type"] == "error":
                    raise RuntimeError(f"{msg}: {frame}")
            return
    raise RuntimeError("facilitator never welcomed")


async def _one_workshop(port, people, departments=("dev", "ops")):
    created = await _call(port, None, {"type": "create", "organiser_token": ORGANISER, "title": "bench", "departments": list(departments),
                                          "k": 1}, "created")
    code = created["code"]

    async def join(i):
        msg = {"type": "join", "code": code, "name": f"P{i}", "department": departments[i % len(departments)]}
        return (await _call(port, code, msg, "joined"))["token"]
    tokens = await asyncio.gather(*(join(i) for i in range(people)))
    await _facilitate(port, code, created["facilitator_token"])
    return code, created["workshop"], created["facilitator_token"], tokens


async def create_only(port, count, concurrency=16):
    """Workshops with no one in them (the organiser's create only), through `port`."""
    sem = asyncio.Semaphore(concurrency)

    async def one():
        async with sem:
            return await _call(port, None, {"type": "create", "organiser_token": ORGANISER, "title": "bench", "departments": ["dev", "ops"],
                                            "k": 1}, "created")
    return await asyncio.gather(*(one() for _ in range(count)))


async def _all_workshops(port, count, people, concurrency=16):
    sem = asyncio.Semaphore(concurrency)

    async def one():
        async with sem:
            return await _one_workshop(port, people)
    return await asyncio.gather(*(one() for _ in range(count)))


def create_workshops(deployment, count, people):
    """Creates and seats every workshop through the deployment's entry point; returns seconds taken."""
    t = time.time()
    deployment.workshops = asyncio.run(_all_workshops(deployment.port, count, people))
    return time.time() - t


def healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False
