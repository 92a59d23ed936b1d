"""Trust at rest (issue 10): nothing acknowledged is lost when the disk fills, nothing personal
survives a purge, read-only commands never write, one server per folder, resends store once,
and free text other people see is anonymised."""
import asyncio
import hashlib
import json
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
import websockets

from harness import BIN, Client, Server, create_workshop, join


def healthz(server):
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def journal_events(server, workshop):
    out = server.detente("events", workshop, "--sessions", server.sessions)
    assert out.returncode == 0, out.stderr
    return [json.loads(line)["event"] for line in out.stdout.splitlines()]


def submitted_texts(server, workshop):
    return [e["text"] for e in journal_events(server, workshop) if e["e"] == "item_submitted"]


async def to_outmodel(fac):
    await fac.call(type="advance")
    await fac.call(type="advance")


# --- a real disk-full episode on a small tmpfs ------------------------------------------------

@pytest.fixture
def small_filesystem():
    mountpoint = tempfile.mkdtemp(prefix="detente-tmpfs-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mountpoint], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the fault-injection unit tests cover the same paths")
    yield mountpoint
    subprocess.run(["umount", "-l", mountpoint])


def fill(path):
    """Writes a filler file until the file system is full; returns its size."""
    written = 0
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                written += f.write(b"\0" * 65536)
        except OSError:
            pass
        try:
            while True:
                written += f.write(b"\0" * 512)
        except OSError:
            pass
    return written


async def test_disk_full_mid_load_then_freed_loses_nothing_acknowledged(small_filesystem):
    sessions = os.path.join(small_filesystem, "Sessions")
    os.makedirs(sessions)
    server = Server(sessions=sessions).start()
    created, fac = await create_workshop(server, k=1)
    writers = [await join(server, created["code"], f"Writer {i}", "dev" if i % 2 else "ops") for i in range(6)]
    await to_outmodel(fac)
    acked, refused = [], []
    counter = [0]

    async def write_some(n):
        for _ in range(n):
            for w in writers:
                counter[0] += 1
                text = f"disk item {counter[0]}: they value stable weekends"
                r = await w.call(type="submit", kind="outmodel", text=text, client_id=f"c{counter[0]}", timeout=10)
                (acked if r["type"] == "ack" else refused).append((text, r))

    await write_some(10)
    assert len(acked) == 60 and not refused
    filler = os.path.join(small_filesystem, "filler")
    fill(filler)
    await write_some(5)
    assert refused, "a full disk refuses submits"
    assert all(r.get("code") == "unavailable" for _, r in refused), refused[:3]
    assert healthz(server) == 503
    os.remove(filler)
    deadline = time.time() + 10
    while healthz(server) != 200 and time.time() < deadline:
        await asyncio.sleep(0.1)
    assert healthz(server) == 200, "the server recovers by itself once space is back"
    before_after = len(acked)
    await write_some(10)
    assert len(acked) - before_after == 60, "everything after the episode is acknowledged"
    # A reconnecting participant sees only durable items: nothing refused.
    again = await Client.connect(server, "again")
    welcome = await again.call(type="hello", token=writers[0].token)
    refused_texts = {t for t, _ in refused}
    assert not refused_texts & {it["text"] for it in welcome["items"]}
    server.kill()
    server.start()
    texts = submitted_texts(server, created["workshop"])
    assert all(texts.count(t) == 1 for t, _ in acked), "every acknowledged item present exactly once after SIGKILL"
    assert not refused_texts & set(texts), "nothing refused was stored"
    verify = server.detente("verify", os.path.join(sessions, created["workshop"] + ".journal"))
    assert verify.returncode == 0, verify.stdout
    assert not [f for f in os.listdir(sessions) if ".broken" in f], "no quarantine: nothing was torn"
    server.stop()


# --- purge ---------------------------------------------------------------------------------

PERSONAL = {
    "roster": ["Yuki Tanaka", "Oluwaseun Adeyemi", "Margit Halvorsen"],
    "outsider": "Priya Raman",
    "email": "yuki.tanaka@shelfline.example",
    "phone": "+44 7700 900123",
    "handle": "@margit.h",
}


async def run_personal_workshop(server):
    created, fac = await create_workshop(server, k=1)
    yuki = await join(server, created["code"], "Yuki Tanaka", "dev")
    seun = await join(server, created["code"], "Oluwaseun Adeyemi", "ops")
    margit = await join(server, created["code"], "Margit Halvorsen", "ops")
    await to_outmodel(fac)
    r = await yuki.call(type="submit", kind="outmodel", text="Margit Halvorsen told us Ops never sleep before a release; mail yuki.tanaka@shelfline.example.")
    item = r["id"]
    await seun.call(type="submit", kind="outmodel", text="They ask Priya Raman for everything, call +44 7700 900123 at night.")
    await margit.call(type="submit", kind="outmodel", text="Ping @margit.h about deploys, says Yuki.")
    await fac.call(type="advance")  # requirements
    await seun.call(type="submit", kind="requirement", text="Give Oluwaseun Adeyemi read access to the deploy logs.")
    await fac.call(type="advance")  # review
    await yuki.call(type="edit", id=item, text="Margit Halvorsen and Priya Raman say Ops never sleep before a release.")
    r = await fac.call(type="advance", force=True)  # reveal
    assert r["type"] == "ack", r
    reveal = await seun.until(lambda f: f.get("type") == "reveal")
    await fac.call(type="advance")  # reactions
    about_ops = [it for it in reveal["items"] if it["target"] == "ops"]
    comment = "Wrong: ask Yuki Tanaka or Priya Raman, or write to yuki.tanaka@shelfline.example"
    r = await seun.call(type="react", id=about_ops[0]["id"], verdict="wrong", comment=comment)
    assert r["type"] == "ack", r
    mine = await seun.until(lambda f: f.get("type") == "my_reaction")
    assert mine["comment"] == comment and "Yuki" not in mine["anonymised"], "the author sees before and after"
    r = await margit.call(type="submit", kind="offer", text="Margit Halvorsen offers Dev a weekly office hour, call +44 7700 900123.", target="dev")
    assert r["type"] == "ack", r
    await fac.call(type="advance")  # agreement
    draft = await fac.until(lambda f: f.get("type") == "draft")
    clause = draft["clauses"][0]["id"]
    r = await fac.call(type="edit_clause", clause=clause, text="Ops and Dev agree to ask Yuki Tanaka before each release.")
    assert r["type"] == "ack", r
    await fac.call(type="note", text="Follow up with Priya Raman (@margit.h) next week.")
    await asyncio.sleep(0.3)
    return created, fac, [yuki, seun, margit]


def personal_strings(people):
    parts = {p for name in PERSONAL["roster"] + [PERSONAL["outsider"]] for p in name.split()}
    return sorted(parts | {PERSONAL["email"], PERSONAL["phone"], PERSONAL["handle"], PERSONAL["handle"][1:]}) + [p.participant for p in people]


async def test_free_text_others_see_is_anonymised_and_purge_leaves_nothing_personal():
    server = Server().start()
    created, fac, people = await run_personal_workshop(server)
    yuki, seun, margit = people
    for c in people + [fac]:
        await c.drain(0.2)
    names = ["Yuki", "Tanaka", "Priya", "Raman", "yuki.tanaka@", "900123", "@margit.h"]
    # No name from any free text reaches anyone but its author, in any frame. What each viewer
    # typed themselves may come back to them (their own before/after); the facilitator's clause
    # wording and notes are scrubbed for the facilitator too.
    typed_by = {fac: set(), yuki: {"Priya", "yuki.tanaka@", "Margit Halvorsen"}, margit: {"900123", "Yuki"},
                seun: {"Priya", "900123", "Yuki Tanaka", "yuki.tanaka@"}}
    for viewer in [fac, yuki, margit, seun]:
        # (the harness names its request refs after the client: not something the server sent)
        frames = [{k: v for k, v in f.items() if k != "ref"} for f in viewer.frames if f.get("type") not in ("presence", "welcome", "joined")]
        text = json.dumps(frames, ensure_ascii=False)
        leaked = [n for n in ["Yuki Tanaka", "Priya", "yuki.tanaka@", "900123", "Margit Halvorsen"] if n in text and n not in typed_by[viewer]
                  and not (viewer is margit and n == "Margit Halvorsen")]
        assert not leaked, f"{viewer.name} received {leaked}"
    # Exports say none of it either.
    for fmt in ("md", "html", "json", "csv"):
        out = server.detente("export", created["workshop"], "--format", fmt, "--sessions", server.sessions)
        assert out.returncode == 0, out.stderr
        leaked = [n for n in names if n in out.stdout]
        assert not leaked, f"{fmt} export holds {leaked}"
    server.stop()
    purge = server.detente("purge", created["workshop"], "--sessions", server.sessions)
    assert purge.returncode == 0, purge.stderr
    # A byte scan of every file in the sessions folder.
    strings = personal_strings(people)
    hits = []
    for root, _, files in os.walk(server.sessions):
        for name in files:
            if name in ("server.out", "server.log"):
                continue
            data = open(os.path.join(root, name), "rb").read()
            hits += [(name, s) for s in strings if s.encode() in data or s.lower().encode() in data.lower()]
    assert not hits, f"after purge: {hits}"
    print(f"purge scan: {len(strings)} personal strings, {sum(1 for _ in os.scandir(server.sessions))} files, 0 hits")
    verify = server.detente("verify", os.path.join(server.sessions, created["workshop"] + ".journal"))
    assert verify.returncode == 0 and "purged" in verify.stdout, verify.stdout
    for fmt in ("md", "json"):
        out = server.detente("export", created["workshop"], "--format", fmt, "--sessions", server.sessions)
        assert out.returncode == 0 and len(out.stdout) > 200, out.stderr


# --- read-only means read-only; one server per folder -------------------------------------------

def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


async def test_read_only_commands_never_modify_a_live_journal_and_a_second_server_refuses():
    server = Server().start()
    created, fac = await create_workshop(server, k=1)
    p = await join(server, created["code"], "Reader Test", "dev")
    await to_outmodel(fac)
    for i in range(20):
        await p.call(type="submit", kind="outmodel", text=f"live item {i}: they value calm releases")
    journal = os.path.join(server.sessions, created["workshop"] + ".journal")
    # A torn tail on disk (as a crash mid-write would leave) must not be "repaired" by readers.
    before = digest(journal)
    listing = sorted(os.listdir(server.sessions))
    for _ in range(15):
        assert server.detente("export", created["workshop"], "--sessions", server.sessions).returncode == 0
        assert server.detente("events", created["workshop"], "--sessions", server.sessions).returncode == 0
        assert server.detente("verify", journal).returncode == 0
    assert digest(journal) == before and sorted(os.listdir(server.sessions)) == listing
    second = subprocess.run([BIN, "serve", "--port", "0", "--sessions", server.sessions], capture_output=True, text=True, timeout=20)
    assert second.returncode != 0
    assert "another Detente process" in second.stderr + second.stdout
    purge = server.detente("purge", created["workshop"], "--sessions", server.sessions)
    assert purge.returncode != 0, "purge refuses while a server holds the folder"
    # The first server is unharmed.
    r = await p.call(type="submit", kind="outmodel", text="still writing after the second server was refused")
    assert r["type"] == "ack"
    server.stop()


# --- resends with client_id ------------------------------------------------------------------------

async def test_a_resent_submit_is_stored_once_across_reconnects_and_restarts():
    server = Server().start()
    created, fac = await create_workshop(server, k=1)
    p = await join(server, created["code"], "Resend Test", "dev")
    await to_outmodel(fac)
    first = await p.call(type="submit", kind="outmodel", text="resent item: they value quiet pagers", client_id="cid-1")
    assert first["type"] == "ack" and "repeat" not in first
    await p.close()
    again = await Client.connect(server, "again")
    await again.call(type="hello", token=p.token)
    repeat = await again.call(type="submit", kind="outmodel", text="resent item: they value quiet pagers", client_id="cid-1")
    assert repeat["type"] == "ack" and repeat["id"] == first["id"] and repeat["repeat"] is True
    # Non-submit commands are answered from their first outcome too.
    v1 = await again.call(type="next_prompt", client_id="np-1")
    v2 = await again.call(type="next_prompt", client_id="np-1")
    assert v1["type"] == "ack" and v2.get("repeat") is True
    await again.close()
    server.kill()
    server.start()
    after = await Client.connect(server, "after")
    await after.call(type="hello", token=p.token)
    repeat = await after.call(type="submit", kind="outmodel", text="resent item: they value quiet pagers", client_id="cid-1")
    assert repeat["type"] == "ack" and repeat["id"] == first["id"]
    assert submitted_texts(server, created["workshop"]).count("resent item: they value quiet pagers") == 1
    bad = await after.call(type="submit", kind="outmodel", text="x", client_id=7)
    assert bad["type"] == "error" and bad["code"] == "bad_message"
    server.stop()
