"""`parley serve`: a real Oxigraph server over kg/, queried, then stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from parley import api
from parley.cli import main
from parley.endpoint import Endpoint
from parley.errors import UsageError
from parley.results import render
from parley.serve import is_loopback
from parley.store import EndpointStore

pytest_plugins = ["servers"]

PARLEY = Path(sys.executable).parent / "parley"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_serve_answers_like_local_and_stops_on_ctrl_c(kg_dir, tmp_path):
    from servers import free_port

    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [str(PARLEY), "serve", "--kg", str(kg_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = process.stdout.readline()
        assert first.strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query", (
            first + process.stderr.read() if process.poll() is not None else first
        )
        assert process.stdout.readline().strip() == f"query UI: http://127.0.0.1:{port}/"
        store = EndpointStore(Endpoint(f"http://127.0.0.1:{port}/query"))
        local = api.run_query("who-met-whom", kg_dir, backend="memory")
        remote = api.run_query("who-met-whom", kg_dir, store=store)
        assert render(remote.table, "csv", remote.labels) == render(
            local.table, "csv", local.labels
        )
        assert local.table.rows, "who-met-whom gives rows on the seed graph"
        with pytest.raises(UsageError, match="PUT failed: HTTP 4"):
            store.endpoint.put_graph("https://w3id.org/parley/graph/x", b"")
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does, to the process we started
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err
    assert not _port_open(port), "the Oxigraph server is still listening"
    assert not list(tmp_path.glob("parley-serve-*")), "the temporary store was not removed"


def test_loopback_hosts():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def test_other_interfaces_get_a_warning(tmp_path):
    """The warning comes first; the missing kg/ then stops the command before binding."""
    result = CliRunner().invoke(
        main, ["serve", "--kg", str(tmp_path / "missing"), "--host", "0.0.0.0", "--port", "9"]
    )
    assert result.exit_code == 2
    assert "warning: listening on 0.0.0.0" in result.output
    assert "parley build" in result.output
