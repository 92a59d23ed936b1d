"""The cluster test of issue 16: PostgreSQL + 2 nodes + HAProxy, started by the shipped
tools/cluster/cluster.sh (what `make cluster` runs). 20 workshops with 10 participants each are
created and joined through the proxy (`/ws?w=<join code>`, consistent hashing); mid-requirements
the node owning the most workshops is SIGKILLed; every participant of it reconnects through the
proxy within 5 s, every acknowledged item is present exactly once, the workshops finish, and
`verify` passes against PostgreSQL."""
import asyncio
import os
import signal
import subprocess
import tempfile
import time

import pytest

from harness import BIN, ORGANISER, ROOT, Client, free_port
from test_postgres_nodes import psql

WORKSHOPS = 20
PEOPLE = 10
RESUME_SECONDS = 5
SCRIPT = os.path.join(ROOT, "tools/cluster/cluster.sh")


class Proxy:
    def __init__(self, port, key=None):
        self.port, self.key = port, key

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}/ws" + (f"?w={self.key}" if self.key else "")


@pytest.fixture
def cluster():
    directory = tempfile.mkdtemp(prefix="detente-cluster-")
    env = dict(os.environ, DETENTE_BIN=BIN, DETENTE_CLUSTER_DIR=directory, DETENTE_CLUSTER_PORT=str(free_port()),
               DETENTE_ORGANISER_TOKEN=ORGANISER, DETENTE_CLUSTER_NODES="2")
    started = subprocess.run([SCRIPT, "start"], env=env, capture_output=True, text=True)
    assert started.returncode == 0, started.stdout + started.stderr
    state = {}
    for line in open(os.path.join(directory, "state")):
        name, *rest = line.split()
        state[name] = rest
    yield state
    subprocess.run([SCRIPT, "stop"], env=env, capture_output=True)


def owners(url):
    """workshop -> application_name (`detente/<pid>`) of the node holding its advisory lock."""
    rows = psql(url, """
        SELECT w.workshop, a.application_name
        FROM (SELECT DISTINCT workshop FROM detente_records) w
        JOIN pg_locks l ON l.locktype = 'advisory' AND l.objsubid = 1
             AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('detente:' || w.workshop, 0)
        JOIN pg_stat_activity a ON a.pid = l.pid""")
    return {w: int(app.split("/")[1]) for w, app in rows}


async def seat(proxy, message, deadline):
    """Connects through the proxy and takes a seat, retrying `unavailable` and refused
    connections (a node being taken out of the ring) until the deadline."""
    while True:
        try:
            c = await Client.connect(proxy, "c", record=False)
            reply = await c.call(**message)
            if reply["type"] in ("welcome", "joined"):
                if reply["type"] == "joined":
                    await c.until(lambda f: f.get("type") == "welcome")
                return c, reply
            await c.close()
            assert reply.get("code") == "unavailable", reply
        except AssertionError:
            raise
        except Exception:  # noqa: BLE001 — a refused or dropped connection while the ring changes: retry
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"no seat through the proxy before the deadline: {message['type']}")
        await asyncio.sleep(0.1)


async def submit(client, text):
    ack = await client.call(type="submit", kind="requirement", text=text, timeout=10)
    assert ack["type"] == "ack", ack
    return text


async def test_killing_a_node_mid_requirements_loses_nothing_and_clients_resume_within_5s(cluster):
    port = int(cluster["proxy"][1])
    url = " ".join(cluster["store"])
    org = await Client.connect(Proxy(port), "org", record=False)
    workshops = []
    for i in range(WORKSHOPS):
        created = await org.call(type="create", organiser_token=ORGANISER, title=f"W{i}", departments=["dev", "ops"], k=3)
        assert created["type"] == "created", created
        workshops.append(created)
    await org.close()

    far = time.monotonic() + 60
    seats = {}
    for w in workshops:
        proxy = Proxy(port, w["code"])
        fac, _ = await seat(proxy, dict(type="hello", token=w["facilitator_token"]), far)
        people = []
        for p in range(PEOPLE):
            c, joined = await seat(proxy, dict(type="join", code=w["code"], name=f"Person {p}", department="dev" if p % 2 else "ops"), far)
            c.token = joined["token"]
            people.append(c)
        for _ in range(3):
            ack = await fac.call(type="advance", force=True)
            assert ack["type"] == "ack", ack
        seats[w["workshop"]] = (w, fac, people)

    acked = {wid: [] for wid in seats}
    for wid, (w, fac, people) in seats.items():
        acked[wid] += await asyncio.gather(*(submit(c, f"{wid} requirement {i} before the kill") for i, c in enumerate(people)))

    owned = owners(url)
    assert len(owned) == WORKSHOPS, f"every workshop is owned by a node: {owned}"
    pids = {int(cluster[n][0]): n for n in cluster if n.startswith("node")}
    by_node = {pid: [w for w, p in owned.items() if p == pid] for pid in pids}
    victim = max(by_node, key=lambda pid: len(by_node[pid]))
    moved = set(by_node[victim])
    print(f"workshops per node: { {pids[p]: len(ws) for p, ws in by_node.items()} }; killing {pids[victim]} ({len(moved)} workshops)")
    assert moved, "the node to kill owns workshops"

    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    resumed = []

    async def resume(w, client):
        c, welcome = await seat(Proxy(port, w["code"]), dict(type="hello", token=client.token), killed_at + RESUME_SECONDS)
        resumed.append(time.monotonic() - killed_at)
        c.token = client.token
        return c

    for wid in moved:
        w, fac, people = seats[wid]
        fac.token = w["facilitator_token"]
        new_people = await asyncio.gather(*(resume(w, c) for c in people))
        new_fac = await resume(w, fac)
        seats[wid] = (w, new_fac, list(new_people))
    slowest = max(resumed)
    print(f"{len(resumed)} clients of the killed node resumed through the proxy; slowest after {slowest:.2f} s")
    assert slowest <= RESUME_SECONDS

    for wid, (w, fac, people) in seats.items():
        acked[wid] += await asyncio.gather(*(submit(c, f"{wid} requirement {i} after the kill") for i, c in enumerate(people)))
        ended = await fac.call(type="end")
        assert ended["type"] == "ack", ended
        for c in people + [fac]:
            await c.close()

    for wid, texts in acked.items():
        events = subprocess.run([BIN, "events", wid, "--store", url], capture_output=True, text=True)
        assert events.returncode == 0, events.stderr
        stored = [line for line in events.stdout.splitlines() if '"e":"item_submitted"' in line]
        for text in texts:
            assert sum(text in line for line in stored) == 1, f"{wid}: {text!r} stored {sum(text in line for line in stored)} times"
        verified = subprocess.run([BIN, "verify", wid, "--store", url], capture_output=True, text=True)
        assert verified.returncode == 0 and "OK: chain verified" in verified.stdout, verified.stdout
