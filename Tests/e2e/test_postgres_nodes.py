"""Several nodes on one PostgreSQL: a throwaway cluster (initdb/pg_ctl from Debian's postgresql,
as the `postgres` user when root) started by the fixture; real detente processes with
`--store postgres://…`. Split brain: two nodes asked for the same workshop — exactly one serves,
the other answers the retryable `unavailable`; no record is written twice or forked; when the
owner dies, the other takes the workshop over from PostgreSQL."""
import asyncio
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import urllib.request
import uuid

import pytest

from harness import Client, Server, create_workshop, free_port, join


@pytest.fixture(scope="module")
def postgres():
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    assert bins, "PostgreSQL server missing: apt-get install postgresql (make setup does)"
    bin_dir = bins[-1]
    home = tempfile.mkdtemp(prefix="detente-pg-")
    as_postgres = []
    if os.getuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(home, pw.pw_uid, pw.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    quiet = dict(check=True, stdout=subprocess.DEVNULL)
    subprocess.run(as_postgres + [f"{bin_dir}/initdb", "-D", f"{home}/data", "-A", "trust", "-U", "postgres", "--no-sync"], **quiet)
    port = free_port()
    subprocess.run(as_postgres + [f"{bin_dir}/pg_ctl", "-D", f"{home}/data", "-l", f"{home}/log", "-w",
                                  "-o", f"-k {home} -p {port} -c listen_addresses=''", "start"], **quiet)
    yield lambda db: f"postgresql:///{db}?host={home}&port={port}&user=postgres"
    subprocess.run(as_postgres + [f"{bin_dir}/pg_ctl", "-D", f"{home}/data", "-m", "immediate", "-w", "stop"], **quiet)
    shutil.rmtree(home, ignore_errors=True)


def psql(url, sql):
    out = subprocess.run(["psql", url, "-At", "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("|") for line in out.stdout.splitlines()]


@pytest.fixture
def database(postgres):
    name = "e2e_" + uuid.uuid4().hex[:12]
    psql(postgres("postgres"), f"CREATE DATABASE {name}")
    return postgres(name)


def node(url, *extra):
    return Server(extra_args=["--store", url, *extra]).start()


def owned_gauge(server):
    with urllib.request.urlopen(server.url + "/metrics", timeout=5) as r:
        text = r.read().decode()
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith("detente_workshops_owned")]
    return values[-1] if values else 0


def assert_chains_intact(url):
    """Every workshop's sequence is 1…n with no gap or duplicate (the primary key forbids a fork)."""
    for workshop, count, top in psql(url, "SELECT workshop, count(*), max(seq) FROM detente_records GROUP BY workshop"):
        assert count == top, f"{workshop}: {count} records up to seq {top}"


@pytest.mark.parametrize("b_started", ["before the workshop was created", "after it was created"])
async def test_two_nodes_asked_for_one_workshop_exactly_one_serves(database, b_started):
    a = node(database)
    b = node(database) if b_started.startswith("before") else None
    created, fac = await create_workshop(a)
    first = await join(a, created["code"], "Ann", "dev")
    b = b or node(database)
    try:
        # B knows the workshop is someone else's: a retryable answer, not "no such workshop".
        probe = await Client.connect(b, "probe")
        refused = await probe.call(type="join", code=created["code"], name="Bob", department="ops")
        assert refused["type"] == "error" and refused["code"] == "unavailable", refused
        again = await probe.call(type="hello", token=first.token)
        assert again["type"] == "error" and again["code"] == "unavailable", again
        await probe.close()
        # A still serves it, and says so on /metrics; B serves none.
        assert owned_gauge(a) == 1 and owned_gauge(b) == 0
        second = await join(a, created["code"], "Cid", "ops")
        await second.close()
        records = int(psql(database, f"SELECT count(*) FROM detente_records WHERE workshop = '{created['workshop']}'")[0][0])
        assert_chains_intact(database)

        # The owner dies; its session ends and so does its advisory lock; B takes over on demand.
        a.kill()
        await first.close()
        await fac.close()
        back = None
        for _ in range(50):
            back = await Client.connect(b, "back")
            welcome = await back.call(type="hello", token=first.token)
            if welcome["type"] == "welcome":
                break
            assert welcome["code"] == "unavailable", welcome
            await back.close()
            await asyncio.sleep(0.1)
        assert welcome["type"] == "welcome", welcome
        # The welcome is the snapshot, replayed from PostgreSQL with the roster name unsealed.
        assert welcome["workshop"]["id"] == created["workshop"] and welcome["you"]["name"] == "Ann", welcome
        late = await join(b, created["code"], "Dee", "dev")
        await late.close()
        await back.close()
        after = int(psql(database, f"SELECT count(*) FROM detente_records WHERE workshop = '{created['workshop']}'")[0][0])
        joins = psql(database, f"SELECT count(*) FROM detente_records WHERE workshop = '{created['workshop']}' AND line LIKE '%\"e\":\"joined\"%'")
        assert after > records and joins == [["3"]], "the take-over continued the chain: Ann, Cid and Dee joined once each"
        verified = b.detente("verify", created["workshop"], "--store", database)
        assert verified.returncode == 0 and "OK: chain verified" in verified.stdout, verified.stdout + verified.stderr
        assert_chains_intact(database)
    finally:
        a.stop()
        b.stop()


async def test_operator_commands_work_against_postgres(database):
    a = node(database)
    try:
        created, fac = await create_workshop(a)
        p = await join(a, created["code"], "Fay Ray", "dev")
        await p.close()
        await fac.close()
        events = a.detente("events", created["workshop"], "--store", database)
        assert events.returncode == 0 and '"e":"joined"' in events.stdout, events.stderr
        exported = a.detente("export", created["workshop"], "--store", database, "--attendance")
        assert exported.returncode == 0 and "Fay Ray" in exported.stdout, exported.stderr
        purged = a.detente("purge", created["workshop"], "--store", database)
        assert purged.returncode == 0, purged.stderr
        assert psql(database, f"SELECT count(*) FROM detente_roster WHERE workshop = '{created['workshop']}'") == [["0"]]
        assert psql(database, f"SELECT count(*) FROM detente_keys WHERE workshop = '{created['workshop']}'") == [["0"]]
        after = a.detente("export", created["workshop"], "--store", database, "--attendance")
        assert after.returncode == 0 and "Fay Ray" not in after.stdout
        verified = a.detente("verify", created["workshop"], "--store", database)
        assert verified.returncode == 0 and "OK: chain verified" in verified.stdout, verified.stdout
        # A tampered record is found, as in a file.
        psql(database, f"UPDATE detente_records SET line = overlay(line placing 'X' from 21 for 1) WHERE workshop = '{created['workshop']}' AND seq = 2")
        broken = a.detente("verify", created["workshop"], "--store", database)
        assert broken.returncode == 1 and "INVALID: record 2" in broken.stdout, broken.stdout
    finally:
        a.stop()


async def test_a_workshop_created_through_any_node_is_stored_and_served_by_it(database):
    a, b = node(database), node(database)
    try:
        on_a, fac_a = await create_workshop(a, title="On A")
        on_b, fac_b = await create_workshop(b, title="On B")
        for created in (on_a, on_b):
            assert psql(database, f"SELECT count(*) > 0 FROM detente_records WHERE workshop = '{created['workshop']}'") == [["t"]]
            assert psql(database, f"SELECT count(*) FROM detente_keys WHERE workshop = '{created['workshop']}'") == [["1"]]
        p = await join(b, on_b["code"], "Eve", "dev")
        await p.close()
        await fac_a.close()
        await fac_b.close()
        assert psql(database, f"SELECT count(*) FROM detente_roster WHERE workshop = '{on_b['workshop']}'") == [["1"]]
        assert_chains_intact(database)
    finally:
        a.stop()
        b.stop()


async def test_a_node_asked_for_a_workshop_another_holds_gets_it_handed_over(database):
    """Failback: the proxy routes a workshop back to a restarted node while the node that took it
    over still serves it. The restarted node asks (NOTIFY); the holder closes that workshop's
    connections with 1013 and lets go; the next hello is served by the node asked."""
    holder, asked = node(database, "--hand-over"), node(database, "--hand-over")
    try:
        created, fac = await create_workshop(holder)
        ann = await join(holder, created["code"], "Ann", "dev")
        before = int(psql(database, "SELECT count(*) FROM detente_records")[0][0])
        welcome, tries = None, 0
        while tries < 50:
            tries += 1
            c = await Client.connect(asked, "again")
            welcome = await c.call(type="hello", token=ann.token)
            if welcome["type"] == "welcome":
                break
            assert welcome["code"] == "unavailable", welcome
            await c.close()
            await asyncio.sleep(0.1)
        assert welcome["type"] == "welcome", welcome
        assert tries > 1, "the first answer was the retryable one: the holder still had it"
        # The holder closed its connections of that workshop, so they reconnect through the proxy.
        await ann.drain(0.5)
        assert ann.ws.close_code == 1013, ann.ws.close_code
        await c.call(type="ping")
        p = await join(asked, created["code"], "Bea", "ops")
        await p.close()
        await c.close()
        after = int(psql(database, "SELECT count(*) FROM detente_records")[0][0])
        assert after > before
        assert_chains_intact(database)
        assert psql(database, "SELECT count(*) FROM detente_records WHERE line LIKE '%\"e\":\"joined\"%'") == [["2"]]
    finally:
        holder.stop()
        asked.stop()
