"""Hostile clients at the wire: handshakes that must be refused and frames RFC 6455 says a server
must close on. Raw sockets, so nothing a client library would fix up gets in the way. The
helpers here are shared by the other test_hostile_* files."""
import base64
import json
import os
import socket
import struct

import pytest

KEY = base64.b64encode(os.urandom(16)).decode()


def connect(port, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    return s


def read_http(sock):
    """Reads one HTTP response (headers and, by Content-Length, body). Returns
    (status, headers, body, leftover bytes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a full response; got {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    if status == 101:
        return status, headers, b"", rest
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def upgrade(port, path="/ws", protocol="detente.v1", origin=None, headers=()):
    """Sends a websocket upgrade; returns (socket, status, headers, body)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {KEY}", "Sec-WebSocket-Version: 13"]
    if protocol is not None:
        lines.append(f"Sec-WebSocket-Protocol: {protocol}")
    if origin is not None:
        lines.append(f"Origin: {origin}")
    lines += list(headers)
    s = connect(port)
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    status, hdrs, body, _ = read_http(s)
    return s, status, hdrs, body


def frame(opcode, payload=b"", mask=True, fin=True, rsv=0):
    if isinstance(payload, str):
        payload = payload.encode()
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", first, (0x80 if mask else 0) | n)
    elif n < 65536:
        header = struct.pack("!BBH", first, (0x80 if mask else 0) | 126, n)
    else:
        header = struct.pack("!BBQ", first, (0x80 if mask else 0) | 127, n)
    if not mask:
        return header + payload
    key = os.urandom(4)
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed mid-frame")
        data += chunk
    return data


def read_frame(sock):
    """Returns (opcode, payload) of the next server frame (servers never mask)."""
    b0, b1 = recv_exact(sock, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", recv_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", recv_exact(sock, 8))[0]
    return b0 & 0x0F, recv_exact(sock, n)


def close_code(sock):
    """Reads frames until a close frame and returns its status code (None if TCP just dropped)."""
    try:
        while True:
            opcode, payload = read_frame(sock)
            if opcode == 8:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
    except (ConnectionError, socket.timeout, OSError):
        return None


def open_ws(port):
    s, status, _, _ = upgrade(port)
    assert status == 101
    return s


def call(sock, **msg):
    sock.sendall(frame(1, json.dumps(msg)))
    while True:
        opcode, payload = read_frame(sock)
        if opcode == 1:
            return json.loads(payload)


# --- handshakes ---------------------------------------------------------------------------

@pytest.mark.parametrize("protocol", [None, "http", "http, detente.v1", "chat"])
def test_upgrade_without_our_subprotocol_is_refused(server, protocol):
    s, status, _, body = upgrade(server.port, protocol=protocol)
    assert status == 400, (protocol, status)
    assert b"detente.v1" in body
    s.close()


@pytest.mark.parametrize("protocol", [None, "detente.v1", "http"])
def test_foreign_origin_is_refused_whatever_subprotocol(server, protocol):
    s, status, _, _ = upgrade(server.port, protocol=protocol, origin="http://evil.example")
    assert status == 403, (protocol, status)
    s.close()


@pytest.mark.parametrize("protocol", [None, "detente.v1"])
def test_wrong_path_is_refused_whatever_subprotocol(server, protocol):
    for path in ("/anything", "/ws/", "/api/ws", "/"):
        s, status, _, _ = upgrade(server.port, path=path, protocol=protocol)
        assert status == 404, (path, protocol, status)
        s.close()


def test_host_header_does_not_make_an_origin_same_origin(server):
    # DNS rebinding: the attacker's page and Host header name the same foreign host.
    s, status, _, _ = upgrade(server.port, origin="http://rebind.example:%d" % server.port,
                              headers=[])
    assert status == 403
    s.close()


def test_same_origin_and_no_origin_are_accepted(server):
    for origin in (None, f"http://127.0.0.1:{server.port}", f"http://localhost:{server.port}"):
        s, status, headers, _ = upgrade(server.port, origin=origin)
        assert status == 101, origin
        assert headers.get("sec-websocket-protocol") == "detente.v1"
        assert call(s, type="ping", ref=1) == {"type": "pong", "ref": 1}
        s.close()


# --- frames -------------------------------------------------------------------------------

def test_unmasked_frame_is_closed_with_1002_and_not_processed(server):
    s = open_ws(server.port)
    s.sendall(frame(1, json.dumps({"type": "ping", "ref": "unmasked"}), mask=False))
    opcode, payload = read_frame(s)  # the close comes first: the ping was never answered
    assert opcode == 8 and struct.unpack("!H", payload[:2])[0] == 1002


def test_unmasked_frame_after_masked_ones_is_closed(server):
    s = open_ws(server.port)
    assert call(s, type="ping", ref=1)["type"] == "pong"
    s.sendall(frame(1, json.dumps({"type": "ping", "ref": 2}), mask=False))
    assert close_code(s) == 1002


@pytest.mark.parametrize("name,data,code", [
    ("reserved bits", frame(1, "{}", rsv=4), 1002),
    ("reserved opcode", frame(3, "{}"), 1002),
    ("fragmented ping", frame(9, "x", fin=False), 1002),
    ("continuation without start", frame(0, "{}"), 1002),
    ("invalid UTF-8", frame(1, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"), 1007),
    ("binary frame", frame(2, b"\x00\x01"), 1007),
])
def test_frame_errors_get_a_close_frame(server, name, data, code):
    s = open_ws(server.port)
    s.sendall(data)
    assert close_code(s) == code, name


def test_a_configured_public_origin_is_the_only_same_origin():
    from harness import Server
    s = Server(env={"DETENTE_PUBLIC_ORIGIN": "https://detente.example.com"}).start()
    try:
        ok, status, _, _ = upgrade(s.port, origin="https://detente.example.com")
        assert status == 101
        local, status, _, _ = upgrade(s.port, origin=f"http://127.0.0.1:{s.port}")
        assert status == 403
    finally:
        s.stop()


def test_permessage_deflate_is_negotiated_only_when_enabled(server):
    offer = ["Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"]
    s, status, headers, _ = upgrade(server.port, headers=offer)
    assert status == 101 and "sec-websocket-extensions" not in headers
    from harness import Server
    deflating = Server(env={"DETENTE_DEFLATE": "1"}).start()
    try:
        s, status, headers, _ = upgrade(deflating.port, headers=offer)
        assert status == 101 and "permessage-deflate" in headers.get("sec-websocket-extensions", "")
    finally:
        deflating.stop()
