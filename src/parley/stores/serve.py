"""`parley serve`: a read-only SPARQL endpoint over `kg/`, run by the Oxigraph server binary.

The graphs are loaded into a temporary Oxigraph store with `oxigraph load`, then
`oxigraph serve-read-only` answers queries until stopped; the guard asks it for the union of
all graphs as the default graph (unless a query names its own with `FROM`), as `parley
sparql` does. Oxigraph listens on a private loopback port; clients reach
it through `parley.stores.guard`, which answers only callers that name this server and do not
come from another site, refuses updates and `SERVICE` calls not allowed, enforces the query
timeout and the result-size limit, and serves the query UI (`stores.serveui`) at `/`.
"""

from __future__ import annotations

import contextlib
import math
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parley.model.errors import UsageError
from parley.model.layout import Source, read_kg_files
from parley.stores.federation import OFF, Federation
from parley.stores.guard import Limits, guarding
from parley.stores.serveui import SavedEntry, script

READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Server:
    url: str  # the SPARQL query URL
    ui: str  # the query UI
    process: subprocess.Popen  # the Oxigraph server, on a private loopback port
    limits: Limits = field(default_factory=Limits)


def oxigraph_binary() -> str:
    """The `oxigraph` command from the PyPI package `oxigraph` (beside this Python first)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise UsageError(
            "the Oxigraph server is not installed — `pip install oxigraph` "
            "(the PyPI package that ships the `oxigraph` command)"
        )
    return found


def prepare(kg: Path, location: Path) -> None:
    """Load the dataset of `kg/` into a new Oxigraph store at `location` with `oxigraph load`
    (loaded again if a build replaced kg/'s files meanwhile)."""
    binary = oxigraph_binary()

    def load(sources: list[Source]) -> None:
        shutil.rmtree(location, ignore_errors=True)
        for source in sources:
            command = [binary, "load", "--location", str(location), "--file", str(source.path)]
            if source.graph is not None:
                command += ["--graph", source.graph]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                last = (done.stderr.strip().splitlines() or ["no message"])[-1]
                raise UsageError(f"{source.path}: oxigraph load failed: {last}")

    read_kg_files(kg, load)


@dataclass(frozen=True)
class Options:
    """What `parley serve` allows: its limits, the services queries may call, the saved
    queries its UI offers."""

    limits: Limits = field(default_factory=Limits)
    federation: Federation = OFF
    saved: tuple[SavedEntry, ...] = ()


@contextlib.contextmanager
def running(
    kg: Path, host: str = "127.0.0.1", port: int = 7878, options: Options | None = None
) -> Iterator[Server]:
    """A read-only server over `kg/` on `host:port`, stopped (its store removed) on exit."""
    options = options or Options()
    limits = options.limits
    with tempfile.TemporaryDirectory(prefix="parley-serve-") as tmp:
        location = Path(tmp) / "store"
        prepare(kg, location)
        private = _free_loopback_port()
        command = [
            oxigraph_binary(),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{private}",
            "--timeout-s",
            str(max(1, math.ceil(limits.timeout))),
        ]
        log = Path(tmp) / "server.log"
        with log.open("wb") as log_file:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT
            )
        with contextlib.ExitStack() as stack:
            stack.callback(stop, process)
            wait_ready(process, "127.0.0.1", private, log)
            try:
                stack.enter_context(
                    guarding(
                        host,
                        port,
                        ("127.0.0.1", private),
                        limits,
                        options.federation,
                        script(options.saved),
                    )
                )
            except OSError as exc:
                raise UsageError(
                    f"cannot listen on {host}:{port} ({exc.strerror or exc}) — is the port free? "
                    "Pass another --port"
                ) from None
            base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
            yield Server(url=f"{base}/query", ui=f"{base}/", process=process, limits=limits)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(process: subprocess.Popen, host: str, port: int, log: Path) -> None:
    """Wait until the server accepts connections; raise `UsageError` if it exits first."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = log.read_text(encoding="utf-8", errors="replace").strip()
            last = (message.splitlines() or ["no message"])[-1]
            raise UsageError(f"the Oxigraph server stopped: {last} — is port {port} free?")
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
            return
        time.sleep(0.1)
    raise UsageError(f"the Oxigraph server did not answer on {host}:{port} within a minute")


def stop(process: subprocess.Popen) -> None:
    """Stop the server process we started: SIGINT, then SIGTERM, then SIGKILL."""
    for sig, grace in ((signal.SIGINT, 5), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)


def serve_kg(
    kg: Path,
    host: str,
    port: int,
    on_ready: Callable[[Server], None] | None = None,
    options: Options | None = None,
) -> None:
    """Serve `kg/` until the server exits, or Ctrl-C (KeyboardInterrupt) or SIGTERM stops it
    cleanly: the Oxigraph server we started stopped, its temporary store removed."""
    with _sigterm_as_interrupt(), running(kg, host, port, options) as server:
        if on_ready is not None:
            on_ready(server)
        with contextlib.suppress(KeyboardInterrupt):
            server.process.wait()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (`kill`, service managers, `docker stop`) stops the server as Ctrl-C does: by a
    KeyboardInterrupt, so that the clean-up runs instead of leaving the Oxigraph child behind.
    Only the main thread may set signal handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
