"""Credentials never appear in argv, outputs or error messages (issue 8, item 6; issue 18, 7).

`parley load` runs as a real process with PARLEY_ENDPOINT_USER/PARLEY_ENDPOINT_PASSWORD set,
against Virtuoso (digest authentication; right and wrong passwords), against Oxigraph (no
authentication), with the server down, behind a proxy that keeps answering 503, behind one
that echoes the password in its error text, and behind one that asks for Basic or Digest
authentication and echoes the Authorization header. While each runs, the command line of the
process and of every process it starts is read from /proc/<pid>/cmdline; its stdout and stderr
are captured. The secret (and its base64 forms) must be in none of them. As a check that the
watch saw the live process, the secret must be found in its /proc/<pid>/environ, where it was
put.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from faultproxy import Demand, Echo, FaultProxy, Status

pytest_plugins = ["servers"]

# this checkout's code (the venv's `parley` script may run another one)
PARLEY = [sys.executable, "-c", "from parley.cli.main import main; main()"]


@dataclass
class Watched:
    returncode: int
    stdout: str
    stderr: str
    cmdlines: list[bytes]
    environ_had_secret: bool


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass  # it ended meanwhile
    return found


def run_watched(args: list[str], user: str, password: str) -> Watched:
    """Run `parley ARGS` with the credentials in its environment, watching /proc meanwhile."""
    env = {**os.environ, "PARLEY_ENDPOINT_USER": user, "PARLEY_ENDPOINT_PASSWORD": password}
    env["HOME"] = "/nonexistent"  # no ~/.netrc
    process = subprocess.Popen(
        [*PARLEY, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    cmdlines: list[bytes] = []
    environ_had_secret = False
    while process.poll() is None:
        for pid in _tree(process.pid):
            try:
                cmdlines.append(Path(f"/proc/{pid}/cmdline").read_bytes())
                if pid == process.pid and not environ_had_secret:
                    environ = Path(f"/proc/{pid}/environ").read_bytes()
                    environ_had_secret = password.encode() in environ
            except OSError:
                pass
        time.sleep(0.005)
    out, err = process.communicate(timeout=120)
    return Watched(process.returncode, out.decode(), err.decode(), cmdlines, environ_had_secret)


def assert_secret_kept(run: Watched, password: str, user: str = "dba") -> None:
    assert run.cmdlines, "the process was not seen running"
    assert run.environ_had_secret, "the watch did not see the live process's environment"
    secret = password.encode()
    assert not [c for c in run.cmdlines if secret in c], "the password is in a command line"
    for shown in (password, b64(password), b64(f"{user}:{password}")):
        assert shown not in run.stdout and shown not in run.stderr
    assert "Traceback" not in run.stderr


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def load_args(kg: Path, query_url: str, store_url: str, *extra: str) -> list[str]:
    return ["load", "--kg", str(kg), "--endpoint", query_url, "--graph-store", store_url, *extra]


def test_right_password_loads_and_stays_secret(virtuoso_server, kg_dir):
    srv = virtuoso_server
    password = srv.credentials.password
    run = run_watched(load_args(kg_dir, srv.query_url, srv.store_url), "dba", password)
    assert run.returncode == 0, run.stderr
    assert "counts verified" in run.stdout
    assert_secret_kept(run, password)


def test_wrong_password_is_refused_and_stays_secret(virtuoso_server, kg_dir):
    srv = virtuoso_server
    wrong = "wrong-" + secrets.token_hex(8)
    run = run_watched(load_args(kg_dir, srv.query_url, srv.store_url), "dba", wrong)
    assert run.returncode == 2
    (line,) = run.stderr.strip().splitlines()
    assert "HTTP 401" in line
    assert_secret_kept(run, wrong)


def test_server_down_and_server_failing_keep_the_secret(virtuoso_server, kg_dir):
    from servers import free_port

    password = "down-" + secrets.token_hex(8)
    url = f"http://127.0.0.1:{free_port()}"
    run = run_watched(load_args(kg_dir, f"{url}/sparql", f"{url}/crud"), "dba", password)
    assert run.returncode == 2 and "cannot reach the server" in run.stderr
    assert_secret_kept(run, password)

    upstream = virtuoso_server.query_url.split("/")[2]
    with FaultProxy(upstream, lambda n, m, p, b: Status(503)) as proxy:
        args = load_args(kg_dir, f"{proxy.base}/sparql", f"{proxy.base}/crud", "--retries", "1")
        run = run_watched(args, "dba", password)
    assert run.returncode == 2 and "failed after 2 attempts" in run.stderr
    assert_secret_kept(run, password)


def test_a_server_echoing_the_password_does_not_get_it_printed(virtuoso_server, kg_dir):
    password = "echo-" + secrets.token_hex(8)
    upstream = virtuoso_server.query_url.split("/")[2]
    echo = Status(400, text=f"bad request from dba with password {password}\n")
    with FaultProxy(upstream, lambda n, m, p, b: echo) as proxy:
        run = run_watched(
            load_args(kg_dir, f"{proxy.base}/sparql", f"{proxy.base}/crud"), "dba", password
        )
    assert run.returncode == 2
    assert "HTTP 400" in run.stderr and "with password ***" in run.stderr
    assert_secret_kept(run, password)


def test_oxigraph_without_authentication_never_sees_or_shows_it(loaded_oxigraph, kg_dir):
    srv = loaded_oxigraph
    password = "unused-" + secrets.token_hex(8)
    run = run_watched(load_args(kg_dir, srv.query_url, srv.store_url), "someone", password)
    assert run.returncode == 0, run.stderr
    assert_secret_kept(run, password)


@pytest.mark.parametrize("scheme", ["Basic", "Digest"])
def test_a_server_echoing_the_authorization_header_does_not_get_it_printed(kg_dir, scheme):
    password = "header-" + secrets.token_hex(8)
    with FaultProxy("127.0.0.1:9", lambda n, m, p, b: Demand(scheme, Echo(400))) as proxy:
        run = run_watched(
            load_args(kg_dir, f"{proxy.base}/sparql", f"{proxy.base}/crud"), "dba", password
        )
        sent = {s.authorization for s in proxy.log if s.authorization}
    assert run.returncode == 2 and sent
    assert "HTTP 400" in run.stderr and "Authorization: ***" in run.stderr
    assert not [value for value in sent if value in run.stderr or value in run.stdout]
    assert_secret_kept(run, password)
