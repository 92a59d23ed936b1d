"""End-to-end: a real server process, real websocket clients (Python `websockets`)."""
import asyncio
import json
import os
import urllib.request

import pytest
import websockets

from harness import Client, ORGANISER, create_workshop, join


async def test_create_join_submit_and_ack_after_durable(server):
    created, fac = await create_workshop(server)
    assert len(created["facilitator_token"]) >= 32 and created["code"].isalnum()
    dev = await join(server, created["code"], "Ann Lee", "dev")
    await fac.call(type="advance")
    await fac.call(type="advance")  # check-in -> outmodel
    ack = await dev.call(type="submit", kind="outmodel", text="They value stability above everything else.")
    assert ack["type"] == "ack" and ack["id"].startswith("i_")
    # The ack came only after the event was journaled: the journal already holds it.
    journal = os.path.join(server.sessions, created["workshop"] + ".journal")
    assert ack["id"] in open(journal).read()
    item = await dev.until(lambda f: f.get("type") == "item")
    assert item["item"]["mine"] is True and item["item"]["text"].startswith("They value")


async def test_reconnect_resumes_seat_and_misses_nothing(server):
    created, fac = await create_workshop(server)
    a = await join(server, created["code"], "Ann", "dev")
    b = await join(server, created["code"], "Bob", "dev")
    await fac.call(type="advance"); await fac.call(type="advance")
    await b.close()
    # While b is away, a writes two items and the facilitator starts a timer.
    ids = [(await a.call(type="submit", kind="outmodel", text=f"Ops measure uptime first, statement {i}."))["id"] for i in range(2)]
    await fac.call(type="timer", action="start", seconds=600)
    b2 = await Client.connect(server, "b2")
    welcome = await b2.call(type="hello", token=b.token)
    assert welcome["type"] == "welcome" and welcome["you"]["participant"] == b.participant
    assert welcome["workshop"]["phase"] == "outmodel"
    assert {i["id"] for i in welcome["items"]} == set(ids)
    assert all(i["mine"] is False and "author" not in i for i in welcome["items"])
    assert welcome["timer"]["running"] is True
    assert any("timer" in line for line in welcome["chat"])


async def test_bad_json_gets_error_and_connection_goes_on(server):
    c = await Client.connect(server, "c")
    await c.ws.send("{not json")
    err = await c.recv()
    assert err["type"] == "error" and err["code"] == "bad_json" and "byte" in err["message"]
    pong = await c.call(type="ping")
    assert pong["type"] == "pong"


async def test_unknown_type_and_missing_field_are_named(server):
    c = await Client.connect(server, "c")
    err = await c.call(type="fly")
    assert err["code"] == "unknown_type" and "fly" in err["message"]
    err = await c.call(type="join", code="ABCDEF", name="x")
    assert err["code"] == "bad_message" and "department" in err["message"]
    await c.ws.send(json.dumps([1, 2]))
    assert (await c.recv())["code"] == "bad_message"


async def test_commands_need_a_seat_and_the_right_role(server):
    created, fac = await create_workshop(server)
    stranger = await Client.connect(server, "s")
    assert (await stranger.call(type="advance"))["code"] == "unauthorised"
    assert (await stranger.call(type="hello", token="x" * 32))["code"] == "unauthorised"
    dev = await join(server, created["code"], "Dee", "dev")
    assert (await dev.call(type="advance"))["code"] == "forbidden"
    assert (await dev.call(type="lock", locked=True))["code"] == "forbidden"
    assert (await fac.call(type="submit", kind="outmodel", text="x"))["code"] == "forbidden"
    org = await Client.connect(server, "o")
    assert (await org.call(type="create", organiser_token="wrong", title="t", departments=["dev", "ops"]))["code"] == "unauthorised"


async def test_participant_cannot_act_in_another_workshop(server):
    c1, f1 = await create_workshop(server, title="one")
    c2, f2 = await create_workshop(server, title="two")
    a = await join(server, c1["code"], "Ann", "dev")
    await f1.call(type="advance"); await f1.call(type="advance")
    await f2.call(type="advance"); await f2.call(type="advance")
    ack = await a.call(type="submit", kind="outmodel", text="They fear weekend pages more than anything.")
    other = await join(server, c2["code"], "Zed", "dev")
    # Item ids from workshop one mean nothing in workshop two.
    assert (await other.call(type="edit", id=ack["id"], text="hijack"))["code"] == "not_found"
    assert (await other.call(type="withdraw", id=ack["id"]))["code"] == "not_found"


async def test_oversized_message_closes_with_1009(server):
    c = await Client.connect(server, "c")
    await c.ws.send(json.dumps({"type": "ping", "pad": "x" * (70 * 1024)}))
    with pytest.raises(websockets.ConnectionClosed) as info:
        await c.recv()
    assert info.value.rcvd.code == 1009


async def test_invalid_utf8_closes_with_1007(server):
    c = await Client.connect(server, "c")
    await c.ws.send(b'{"type":"ping","x":"\xff\xfe"}', text=True)
    with pytest.raises(websockets.ConnectionClosed) as info:
        await c.recv()
    assert info.value.rcvd.code == 1007


async def test_flood_gets_rate_limited_then_closed_1008(server):
    c = await Client.connect(server, "c")
    codes = []

    async def reader():
        try:
            while True:
                codes.append((await c.recv(timeout=10)).get("code"))
        except websockets.ConnectionClosed as closed:
            return closed

    reading = asyncio.create_task(reader())
    try:
        for _ in range(1000):  # ~500 messages a second, far above the limit
            await c.ws.send('{"type":"ping"}')
            await asyncio.sleep(0.002)
    except websockets.ConnectionClosed:
        pass
    closed = await reading
    assert codes.count("rate_limited") >= 1
    assert closed.rcvd.code == 1008


async def test_foreign_origin_is_refused_and_same_origin_allowed(server):
    with pytest.raises((websockets.InvalidStatus, websockets.InvalidMessage)):
        await websockets.connect(server.ws_url, subprotocols=["detente.v1"], origin="http://evil.example")
    ok = await websockets.connect(server.ws_url, subprotocols=["detente.v1"], origin=f"http://127.0.0.1:{server.port}")
    await ok.close()


async def test_wrong_path_is_refused(server):
    with pytest.raises((websockets.InvalidStatus, websockets.InvalidMessage)):
        await websockets.connect(server.ws_url.replace("/ws", "/other"), subprotocols=["detente.v1"])


def test_http_security_headers_and_mime_types(server):
    with urllib.request.urlopen(server.url + "/") as r:
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-type"].startswith("text/html")
    for path, mime in [("/css/app.css", "text/css"), ("/js/connection.js", "javascript"), ("/favicon.svg", "image/svg+xml"),
                       ("/join.html", "text/html")]:
        with urllib.request.urlopen(server.url + path) as r:
            assert r.status == 200 and mime in r.headers["content-type"], (path, r.headers["content-type"])
            assert r.headers["x-content-type-options"] == "nosniff"


def test_symlink_leaving_public_is_refused(server, tmp_path):
    public = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "Public")
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    link = os.path.join(public, "leak-test.txt")
    try:
        os.symlink(secret, link)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(server.url + "/leak-test.txt")
        assert info.value.code in (403, 404)
    finally:
        os.unlink(link)


def test_healthz_and_metrics(server):
    with urllib.request.urlopen(server.url + "/healthz") as r:
        assert json.loads(r.read())["status"] == "ok"
    with urllib.request.urlopen(server.url + "/metrics") as r:
        text = r.read().decode()
    assert "detente_connections" in text and "detente_messages_in_total" in text


def test_cli_new_creates_a_workshop_through_the_server(server):
    out = server.detente("new", "--departments", "dev,ops,dba", "--title", "CLI made", "--server", server.url, "--token", ORGANISER)
    assert out.returncode == 0, out.stderr
    assert "Join code:" in out.stdout and "facilitator.html#token=" in out.stdout and "department=dba" in out.stdout
    bad = server.detente("new", "--server", server.url, "--token", "nope")
    assert bad.returncode != 0 and "401" in (bad.stderr + bad.stdout)


async def test_sigterm_closes_connections_with_1001_and_flushes(server):
    created, fac = await create_workshop(server)
    server.proc.terminate()
    with pytest.raises(websockets.ConnectionClosed) as info:
        while True:
            await fac.recv(timeout=10)
    assert info.value.rcvd.code == 1001
    assert server.proc.wait(timeout=10) == 0
    verify = server.detente("verify", os.path.join(server.sessions, created["workshop"] + ".journal"))
    assert verify.returncode == 0 and "OK" in verify.stdout


async def test_logs_carry_no_tokens_or_contribution_text(server):
    created, fac = await create_workshop(server)
    dev = await join(server, created["code"], "Secret Name", "dev")
    await fac.call(type="advance"); await fac.call(type="advance")
    await dev.call(type="submit", kind="outmodel", text="Unique sentence xyzzy about their fears.")
    await dev.ws.send("{broken")
    await dev.recv()
    logs = server.errors()  # the log stream; stdout carries only the start-up links
    assert "workshop created" in logs
    for secret in (created["facilitator_token"], dev.token, ORGANISER, "xyzzy", "Secret Name"):
        assert secret not in logs
