"""HTTP framing under hostile or merely unusual clients: every response carries its body and an
exact Content-Length, request bodies are read on any method, pipelined requests get their own
answers in order, and chunked request bodies are refused cleanly (411, then the connection closes)."""
import json

from harness import ORGANISER
from test_hostile_wire import connect, read_http


def request(method, path, body=b"", headers=()):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"] + list(headers)
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def responses(sock, count):
    """Reads `count` responses from one connection, each framed by its Content-Length."""
    out, leftover = [], b""
    for _ in range(count):
        status, headers, body, leftover = read_http(_Replay(sock, leftover))
        out.append((status, headers, body))
    return out


class _Replay:
    """A socket whose first reads return bytes already received after the previous response."""

    def __init__(self, sock, first):
        self.sock, self.first = sock, first

    def recv(self, n):
        if self.first:
            data, self.first = self.first, b""
            return data
        return self.sock.recv(n)


def test_put_with_a_body_gets_a_405_with_its_body_and_the_connection_goes_on(server):
    s = connect(server.port)
    s.sendall(request("PUT", "/api/workshops", b'{"title":"x"}'))
    status, headers, body = responses(s, 1)[0]
    assert status == 405 and body == b"method not allowed\n"
    assert headers["content-length"] == str(len(body)) and "POST" in headers["allow"]
    s.sendall(request("GET", "/healthz"))
    assert responses(s, 1)[0][:1] == (200,)


def test_error_replies_have_bodies_and_lengths(server):
    s = connect(server.port)
    for method, path, body, code in [("GET", "/api/nothing", b"", 404), ("POST", "/api/nothing", b"{}", 404),
                                     ("DELETE", "/api/workshops", b"", 405), ("POST", "/api/workshops", b"{}", 401)]:
        s.sendall(request(method, path, body))
        status, headers, reply = responses(s, 1)[0]
        assert status == code, (method, path)
        assert reply and headers["content-length"] == str(len(reply)), (method, path, reply)


def test_head_gets_no_body_so_the_next_answer_is_framed_right(server):
    s = connect(server.port)
    s.sendall(request("HEAD", "/api/workshops") + request("GET", "/healthz"))
    (status, headers, body), (second, _, health) = responses(s, 2)
    assert status == 405 and body == b"" and headers["content-length"] == "0"
    assert second == 200 and json.loads(health) == {"status": "ok"}


def test_pipelined_requests_each_get_their_own_answer_in_order(server):
    s = connect(server.port)
    s.sendall(request("GET", "/healthz") + request("GET", "/api/join/ZZZZZZ") + request("GET", "/healthz"))
    got = responses(s, 3)
    assert [g[0] for g in got] == [200, 404, 200]
    assert json.loads(got[0][2]) == {"status": "ok"} and json.loads(got[1][2])["code"] == "not_found"


def test_a_request_pipelined_behind_a_journaled_create_waits_for_its_turn(server):
    create = json.dumps({"title": "Pipelined", "departments": ["dev", "ops"]}).encode()
    s = connect(server.port)
    s.sendall(request("POST", "/api/workshops", create, [f"Authorization: Bearer {ORGANISER}"]) + request("GET", "/healthz"))
    (first, _, body), (second, _, health) = responses(s, 2)
    assert first == 201 and json.loads(body)["type"] == "created"
    assert second == 200 and json.loads(health) == {"status": "ok"}


def test_a_body_on_a_get_is_read_and_not_taken_for_the_next_request(server):
    s = connect(server.port)
    s.sendall(request("GET", "/healthz", b"GET /api/join/AAAAAA HTTP/1.1\r\n\r\n") + request("GET", "/healthz"))
    assert [g[0] for g in responses(s, 2)] == [200, 200]


def test_chunked_request_body_is_refused_with_411_and_the_connection_closed(server):
    s = connect(server.port)
    s.sendall(b"POST /api/workshops HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              + f"Authorization: Bearer {ORGANISER}\r\n\r\n".encode() + b"7\r\n{\"a\":1}\r\n0\r\n\r\n")
    status, headers, body = responses(s, 1)[0]
    assert status == 411 and b"Content-Length" in body and headers["connection"] == "close"
    assert s.recv(100) == b""  # closed: the chunks were never parsed as a request
    # The server is fine.
    s2 = connect(server.port)
    s2.sendall(request("GET", "/healthz"))
    assert responses(s2, 1)[0][0] == 200
