"""`parley serve` guards its endpoint (issue 8, item 6): loopback only, read-only, limited.

One real `parley serve` process (Oxigraph behind `parley.guard`) is started for the module with
a 2-second query timeout and a 200,000-byte result limit, and stopped by its PID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from parley.model.errors import UsageError
from parley.model.layout import kg_sources, read_graphs
from parley.stores.endpoint import Endpoint
from parley.stores.retry import RetryPolicy

pytest_plugins = ["servers"]

PARLEY = Path(sys.executable).parent / "parley"
TIMEOUT, MAX_BYTES = 2, 200_000
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def served(kg_dir, tmp_path_factory):
    from servers import ctrl_c_reaches_it, free_port

    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path_factory.mktemp("serve-limits"))}
    process = subprocess.Popen(
        [
            str(PARLEY),
            "serve",
            "--kg",
            str(kg_dir),
            "--port",
            str(port),
            "--timeout",
            str(TIMEOUT),
            "--max-result-bytes",
            str(MAX_BYTES),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=ctrl_c_reaches_it,
    )
    try:
        first = process.stdout.readline()
        assert first.strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query", first + (
            process.stderr.read() if process.poll() is not None else ""
        )
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def request(url: str, data: bytes | None = None, method: str = "GET", headers=None):
    """(status, body) of one HTTP request, whatever the status."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def form(**fields) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def count(base: str) -> int:
    _, rows = Endpoint(f"{base}/query").select(COUNT)
    return int(rows[0]["n"]["value"])


def listening(pid: int) -> list[str]:
    """The local addresses of the TCP sockets in LISTEN state held by `pid` and its children."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").iterdir():
            todo += [int(c) for c in (task / "children").read_text().split()]
    inodes = set()
    for p in pids:
        for fd in Path(f"/proc/{p}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.append(_address(fields[1]))
    return found


def _address(hex_address: str) -> str:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        ip = ".".join(str(b) for b in reversed(raw))
    else:
        words = [raw[i : i + 4][::-1].hex() for i in range(0, 16, 4)]
        ip = ":".join(w[j : j + 4] for w in words for j in (0, 4))
    return f"{ip}:{int(port, 16)}"


def test_everything_listens_on_127_0_0_1_only(served):
    process, base = served
    addresses = listening(process.pid)
    port = base.rsplit(":", 1)[1]
    assert f"127.0.0.1:{port}" in addresses, addresses
    assert len(addresses) == 2, f"the guard and the private Oxigraph port: {addresses}"
    assert all(a.startswith("127.0.0.1:") for a in addresses), addresses


def test_updates_are_refused_and_the_store_is_unchanged(served, kg_dir):
    _, base = served
    before = count(base)
    assert before == sum(len(t) for t in read_graphs(kg_sources(kg_dir)).values())
    drop = "DROP ALL"
    insert = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }"
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    attempts = [
        (f"{base}/update", form(update=drop), "POST", form_type),
        (f"{base}/query", form(update=drop), "POST", form_type),
        (f"{base}/query", drop.encode(), "POST", {"Content-Type": "application/sparql-update"}),
        (f"{base}/query?update={urllib.parse.quote(insert)}", None, "GET", {}),
        (f"{base}/store?graph=urn:x:g", b"<urn:x:a> <urn:x:b> <urn:x:c> .", "PUT", {}),
        (f"{base}/store?graph=urn:x:g", b"<urn:x:a> <urn:x:b> <urn:x:c> .", "POST", {}),
        (f"{base}/store?default", None, "DELETE", {}),
    ]
    for url, data, method, headers in attempts:
        status, body = request(url, data, method, headers)
        assert status == 403, (method, url, status, body)
        assert "read-only" in body
    # an update sent as a query is not a query: Oxigraph's parser rejects it
    status, _ = request(f"{base}/query", form(query=insert), "POST", form_type)
    assert status == 400
    assert count(base) == before


def test_a_result_over_the_size_limit_is_cut_off_with_a_clear_error(served, kg_dir):
    _, base = served
    endpoint = Endpoint(f"{base}/query", retry=RetryPolicy(attempts=1))
    everything = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"  # a few MB of JSON
    with pytest.raises(UsageError) as caught:
        endpoint.select(everything)
    message = str(caught.value)
    assert "HTTP 507" in message and f"limit of {MAX_BYTES} bytes" in message, message
    assert "\n" not in message
    # under the limit, the same query with LIMIT answers in full
    _, rows = endpoint.select(everything + " LIMIT 100")
    assert len(rows) == 100


def test_a_query_over_the_time_limit_is_stopped_with_a_clear_error(served):
    _, base = served
    endpoint = Endpoint(f"{base}/query", retry=RetryPolicy(attempts=1))
    # about 10^12 combinations: no engine answers this within two seconds
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(UsageError) as caught:
        endpoint.select(endless)
    message = str(caught.value)
    assert "HTTP 504" in message and f"limit of {TIMEOUT} s" in message, message
    assert count(base) > 0, "the server still answers after a stopped query"


def test_ordinary_queries_pass_through_unchanged(served, kg_dir):
    _, base = served
    status, page = request(f"{base}/")
    assert status == 200 and "<html" in page.lower()  # Oxigraph's query UI
    status, body = request(f"{base}/nowhere")
    assert status == 404 and "/query" in body
    assert count(base) == sum(len(t) for t in read_graphs(kg_sources(kg_dir)).values())
