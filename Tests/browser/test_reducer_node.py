"""Runs the pages' reducer tests (Tests/browser/reducer.test.mjs) under `node --test`, so
`make test` covers them; skipped, with the reason printed, when node is not installed."""
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def test_reducer_under_node():
    node = shutil.which("node")
    if not node:
        print("node is not installed: the reducer tests run only through the browser tests here")
        pytest.skip("node is not installed")
    result = subprocess.run([node, "--test", os.path.join(HERE, "reducer.test.mjs")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
