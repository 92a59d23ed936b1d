"""Exports of a recorded workshop: every format over HTTP (facilitator token) and from the CLI,
checked for content, escaping, and the absence of any name, token or participant id."""
import csv
import io
import json
import re
import urllib.error
import urllib.request

import pytest

from harness import create_workshop, join

PAYLOAD = '<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) =HYPERLINK("http://evil")'


async def recorded(server):
    created, fac = await create_workshop(server, k=1, title="Q4 <b>cats</b> & dogs")
    dev = await join(server, created["code"], "Dana Devlin", "dev")
    ops = await join(server, created["code"], "Omar Opsworth", "ops")
    await fac.call(type="advance"); await fac.call(type="advance")
    await dev.call(type="submit", kind="outmodel", text=PAYLOAD)
    await ops.call(type="submit", kind="outmodel", text="They value shipping features over stability; ask Dana Devlin.")
    await fac.call(type="advance")
    await dev.call(type="submit", kind="requirement", text="Give us read-only access to production logs within two weeks.")
    await ops.call(type="submit", kind="requirement", text="Write a runbook for every service before it goes live.")
    await fac.call(type="advance", force=True)  # review
    await fac.call(type="advance", force=True)  # reveal
    await fac.call(type="advance")  # reactions
    reveal = await ops.until(lambda f: f.get("type") == "reveal")
    about_ops = [i for i in reveal["items"] if i["target"] == "ops"]
    for i in about_ops:
        verdict = "wrong" if i["kind"] == "outmodel" else "accept"
        r = await ops.call(type="react", id=i["id"], verdict=verdict, comment="Not so: <b>we</b> measure lead time.")
        assert r["type"] == "ack", r
    await fac.call(type="advance")  # agreement
    draft = await dev.until(lambda f: f.get("type") == "draft")
    clause = next(c for c in draft["clauses"] if c["votable"])
    await dev.call(type="endorse", clause=clause["id"], support=True)
    await ops.call(type="endorse", clause=clause["id"], support=True)
    await fac.call(type="note", text="Parking lot: pager pay <i>later</i>")
    return created, dev, ops


def fetch(server, created, fmt, token=None, attendance=False):
    token = created["facilitator_token"] if token is None else token
    url = f"{server.url}/api/workshops/{created['workshop']}/export?format={fmt}&token={token}" + ("&attendance=1" if attendance else "")
    with urllib.request.urlopen(url) as r:
        return r.headers, r.read().decode()


def assert_clean(body, created, dev, ops):
    for secret in ("Dana Devlin", "Omar Opsworth", created["facilitator_token"], dev.token, ops.token, dev.participant, ops.participant):
        assert secret not in body
    assert not re.search(r"p_[0-9a-f]{16}", body)


async def test_every_format_has_the_content_and_nothing_identifying(server):
    created, dev, ops = await recorded(server)
    headers, md = fetch(server, created, "md")
    assert headers["content-type"].startswith("text/markdown")
    assert "## Agreement" in md and "## Perception gaps" in md and "Parking lot" in md and "| Dev | 1 |" in md
    assert "<script>" not in md and "\\<script\\>" in md
    headers, html = fetch(server, created, "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<img src=x" not in html
    assert "Q4 &lt;b&gt;cats&lt;/b&gt; &amp; dogs" in html and "@media print" in html and "endorsed" in html
    headers, body = fetch(server, created, "json")
    data = json.loads(body)
    assert data["schema"] == "detente.transcript" and data["version"] == 1
    assert {i["kind"] for i in data["items"]} == {"outmodel", "requirement"}
    assert any(i["text"] == PAYLOAD for i in data["items"])
    assert any(c["section"] == "perception_gap" for c in data["agreement"])
    assert any(c["endorsed"] for c in data["agreement"])
    headers, body = fetch(server, created, "csv")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 4 and {"department", "kind", "phase", "theme", "group", "votes", "wrong", "accept"} <= set(rows[0])
    payload_row = next(r for r in rows if "script" in r["text"])
    assert payload_row["text"].startswith("<script>")  # text stays text; a leading '=' would be neutralised
    for fmt, text in [("md", md), ("html", html), ("json", json.dumps(data)), ("csv", body)]:
        assert_clean(text, created, dev, ops)
    # The name mentioned inside an item was anonymised before the reveal.
    assert "\\[Person A\\]" in md


async def test_attendance_list_only_when_asked_and_unlinked(server):
    created, dev, ops = await recorded(server)
    _, md = fetch(server, created, "md", attendance=True)
    assert "## Attendance" in md and "Dana Devlin" in md and "Omar Opsworth" in md
    section = md.split("## Attendance")[1]
    assert "Dana Devlin" in section and "Dana Devlin" not in md.split("## Attendance")[0]


async def test_exports_need_the_facilitator_token(server):
    created, dev, ops = await recorded(server)
    for token in ("", "wrong", dev.token):
        with pytest.raises(urllib.error.HTTPError) as info:
            fetch(server, created, "md", token=token)
        assert info.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as info:
        fetch(server, created, "pdf")
    assert info.value.code == 400


async def test_cli_export_and_purge_unlinks_authors(server):
    created, dev, ops = await recorded(server)
    server.stop()
    out = server.detente("export", created["workshop"], "--format", "json", "--sessions", server.sessions)
    assert out.returncode == 0, out.stderr
    assert_clean(out.stdout, created, dev, ops)
    assert json.loads(out.stdout)["schema"] == "detente.transcript"
    with_names = server.detente("export", created["workshop"], "--format", "md", "--attendance", "--sessions", server.sessions)
    assert "Dana Devlin" in with_names.stdout
    purge = server.detente("purge", created["workshop"], "--sessions", server.sessions)
    assert purge.returncode == 0, purge.stderr
    after = server.detente("export", created["workshop"], "--format", "md", "--attendance", "--sessions", server.sessions)
    assert "Dana Devlin" not in after.stdout and "Omar Opsworth" not in after.stdout
    assert "## Agreement" in after.stdout and "\\[Person A\\]" in after.stdout
    journal = f"{server.sessions}/{created['workshop']}.journal"
    assert '"author":"p_' not in open(journal).read(), "authors are never stored in the clear"
    assert server.detente("verify", journal).returncode == 0, "the chain still verifies after a purge"
    events = [json.loads(l)["event"] for l in server.detente("events", created["workshop"], "--sessions", server.sessions).stdout.splitlines()]
    authors = [e["author"] for e in events if e["e"] == "item_submitted"]
    assert len(authors) == 4 and len(set(authors)) == 4, "after a purge no two items share an author"
    assert dev.participant not in authors and ops.participant not in authors
