"""`parley serve` holds few threads and no connection for long (issue 18): 2,000 half-sent
requests once held 2,002 threads. One real `parley serve` process; its threads are read from
/proc/<pid>/status while the connections are open."""

from __future__ import annotations

import contextlib
import resource
import select
import selectors
import socket
import time
import urllib.parse
from pathlib import Path

import pytest
from serving import parley_serve

from parley.stores.connections import MAX_CONNECTIONS

pytest_plugins = ["servers"]

HALF_SENT = 2000
WAIT = 120.0  # the longest any wait here may last; the server's deadline is REQUEST_SECONDS
ASK = "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})


@pytest.fixture(scope="module")
def served(kg_dir, tmp_path_factory):
    with parley_serve(kg_dir, tmp_path_factory.mktemp("serve-connections")) as serving:
        yield serving


def threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no Threads: line")


def wait_until_closed(socks: list[socket.socket]) -> tuple[int, int]:
    """Read every socket until the server closes it: (how many were closed, how many were
    first told 503). Bounded by WAIT."""
    selector = selectors.DefaultSelector()
    answers = {}
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        answers[sock] = b""
    closed, deadline = 0, time.monotonic() + WAIT
    while selector.get_map() and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1):
            sock = key.fileobj
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                continue
            except OSError:  # reset: closed with the request unread
                data = b""
            answers[sock] += data
            if not data:
                selector.unregister(sock)
                closed += 1
    busy = sum(answer.startswith(b"HTTP/1.0 503") for answer in answers.values())
    return closed, busy


def test_half_sent_requests_hold_few_threads_and_are_all_cut_off(served):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < HALF_SENT + 500:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, HALF_SENT + 500), hard))
    partial = f"GET {ASK} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nX-Slow: ".encode()
    before = threads(served.process.pid)
    socks, peak = [], before
    try:
        for _ in range(HALF_SENT):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
            sock.sendall(partial)
            socks.append(sock)
            peak = max(peak, threads(served.process.pid))
        status, answer = served.request("GET", ASK)
        assert status == 503 and "too many connections" in answer, (status, answer)
        closed, busy = wait_until_closed(socks)
    finally:
        for sock in socks:
            sock.close()
    print(f"\n{HALF_SENT} half-sent requests: threads {before} -> at most {peak}; {busy} told 503")
    assert peak <= before + MAX_CONNECTIONS, (before, peak)
    assert closed == HALF_SENT, f"{HALF_SENT - closed} connections still open after {WAIT} s"
    assert busy >= HALF_SENT - MAX_CONNECTIONS
    status, _ = served.request("GET", ASK)
    assert status == 200, "the server answers again once the half-sent requests are cut off"
    assert threads(served.process.pid) <= before + 2


def test_a_request_trickled_in_byte_by_byte_is_cut_off(served):
    """A slow client gets a few seconds for its whole request, however it paces its bytes
    (`stores.connections.REQUEST_SECONDS`)."""
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
    started, sent = time.monotonic(), 0
    header = f"GET {ASK} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nX-Slow: ".encode()
    with sock:
        sock.sendall(header)
        cut = False
        while time.monotonic() - started < WAIT:
            readable, _, _ = select.select([sock], [], [], 0.5)
            if readable:
                with contextlib.suppress(OSError):
                    assert sock.recv(100) == b""  # no answer: the connection is closed
                cut = True
                break
            try:
                sock.sendall(b"a")
            except OSError:
                cut = True
                break
            sent += 1
    seconds = time.monotonic() - started
    print(f"\ntrickled request cut off after {seconds:.1f} s, {sent} bytes")
    assert cut, f"still open after {WAIT} s"


def test_an_idle_connection_is_closed(served):
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        assert sock.recv(100) == b""
