"""`parley serve`: a real Oxigraph server over kg/, queried, then stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from parley import api
from parley.cli.main import main
from parley.model.errors import UsageError
from parley.query.backends import EndpointStore
from parley.query.results import render
from parley.stores.endpoint import Endpoint
from parley.stores.hosts import is_loopback

pytest_plugins = ["servers"]

PARLEY = Path(sys.executable).parent / "parley"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_serving(kg_dir: Path, tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """`parley serve` over kg_dir on a free port, once it says where it listens."""
    from servers import ctrl_c_reaches_it, free_port

    port = free_port()
    process = subprocess.Popen(
        [str(PARLEY), "serve", "--kg", str(kg_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        preexec_fn=ctrl_c_reaches_it,
    )
    first = process.stdout.readline()
    assert first.strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query", (
        first + process.stderr.read() if process.poll() is not None else first
    )
    assert process.stdout.readline().strip() == f"query UI: http://127.0.0.1:{port}/"
    return process, port


def stopped_cleanly(process: subprocess.Popen, port: int, tmp_path: Path, children) -> None:
    """It exited by itself, leaving nothing behind (what it left is stopped, then reported)."""
    try:
        out, err = process.communicate(timeout=30)
    finally:
        left = [c for c in children if Path(f"/proc/{c}").exists()]
        for child in left:  # children of the process this test started, by their PID
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
    assert not left, "a child was left running"
    assert process.returncode == 0, err
    assert "stopped" in out
    assert "Traceback" not in err
    assert not _port_open(port), "the Oxigraph server is still listening"
    assert not list(tmp_path.glob("parley-serve-*")), "the temporary store was not removed"


def children_of(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_serve_answers_like_local_and_stops_on_ctrl_c(kg_dir, tmp_path):
    process, port = start_serving(kg_dir, tmp_path)
    children = children_of(process.pid)
    try:
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
    stopped_cleanly(process, port, tmp_path, children)


def test_serve_stops_cleanly_on_sigterm(kg_dir, tmp_path):
    """`kill PID` (or a service manager) stops it as Ctrl-C does: no Oxigraph child left."""
    process, port = start_serving(kg_dir, tmp_path)
    children = children_of(process.pid)
    assert children, "the Oxigraph server runs as a child of parley serve"
    process.send_signal(signal.SIGTERM)
    stopped_cleanly(process, port, tmp_path, children)


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
