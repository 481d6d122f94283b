"""A real `parley serve` process for the tests: started on a free 127.0.0.1 port, stopped by
its PID (Ctrl-C, then a kill if it lingers). Run as `python -c … main()` with this Python, so
that it is the code under test whatever `parley` script is on the PATH."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PARLEY = [sys.executable, "-c", "from parley.cli.main import main; main()"]


@dataclass(frozen=True)
class Serving:
    process: subprocess.Popen
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        host: str | None = None,
    ) -> tuple[int, str]:
        """(status, body) of one request; `host` replaces the Host header (None: the right one)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def parley_serve(kg: Path, tmp: Path, *options: str) -> Iterator[Serving]:
    from servers import free_port

    port = free_port()
    process = subprocess.Popen(
        [*PARLEY, "serve", "--kg", str(kg), "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
        preexec_fn=_sigint_default,
    )
    try:
        first = process.stdout.readline()
        assert first.strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query", first + (
            process.stderr.read() if process.poll() is not None else ""
        )
        yield Serving(process, port)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=30)
