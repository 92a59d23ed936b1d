"""wsload counts per command and reports failures (run: .venv/bin/python -m pytest -q bench/tests)."""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from common import Reference, load  # noqa: E402

RECEIVERS = 5


@pytest.fixture(scope="module")
def tools(tmp_path_factory):
    out = tmp_path_factory.mktemp("tools")
    subprocess.run(["cc", "-O2", "-o", f"{out}/wsload", os.path.join(os.path.dirname(HERE), "wsload.c"), "-lm"], check=True)
    return str(out)


def run(tools, mode, **kw):
    server = Reference(mode, [sys.executable, os.path.join(HERE, "fake_broadcaster.py"), mode])
    try:
        return load(tools, mode="fanout", port=server.port, clients=RECEIVERS, message='{"type":"x"}', match='"type":"timer"',
                    duration=1, **kw)
    finally:
        server.stop()


def test_a_command_carried_by_two_frames_counts_once_per_receiver(tools):
    r = run(tools, "two_frames", rate=20)
    assert not r.get("failed"), r
    assert r["sent"] > 0
    assert r["delivered"] == r["sent"] * RECEIVERS
    assert r["frames_after_start"] == 2 * r["delivered"]


def test_a_frame_batching_several_commands_counts_each(tools):
    r = run(tools, "batched", rate=100)
    assert not r.get("failed"), r
    assert r["delivered"] == r["sent"] * RECEIVERS
    assert r["frames_after_start"] < r["delivered"]


def test_a_dropped_client_fails_the_run(tools):
    r = run(tools, "drop_first", rate=20)
    assert "closed by the server" in r.get("failed", ""), r


def test_a_starved_client_fails_the_run(tools):
    r = run(tools, "starve", rate=20)
    assert "missing deliveries" in r.get("failed", "") or "stalled" in r.get("failed", ""), r
