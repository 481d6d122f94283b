"""Real triplestores for the tests: Oxigraph server and Virtuoso 7 on free 127.0.0.1 ports.

Used as a pytest plugin (`pytest_plugins = ["servers"]`) so that each server starts once per
test session; each is stopped by the PID of the process the fixture started.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from seedsets import CORPUS

from parley.stores.credentials import Credentials
from parley.stores.endpoint import Endpoint

ROOT = Path(__file__).resolve().parents[1]
READY_SECONDS = 120


@dataclass(frozen=True)
class Server:
    name: str
    query_url: str
    store_url: str
    credentials: Credentials | None
    pid: int
    isql: str = ""  # Virtuoso's SQL port, HOST:PORT (for isql-vt)

    def endpoint(self) -> Endpoint:
        return Endpoint(self.query_url, self.store_url, self.credentials, timeout=120)

    def env(self) -> dict[str, str]:
        """Environment variables that give `parley` this server's credentials."""
        if self.credentials is None:
            return {}
        return {
            "PARLEY_ENDPOINT_USER": self.credentials.user,
            "PARLEY_ENDPOINT_PASSWORD": self.credentials.password,
        }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_sparql(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll `url` with a trivial form-encoded query until it answers (or the process dies)."""
    data = urllib.parse.urlencode({"query": "ASK { }"}).encode()
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited ({process.returncode}): {_tail(log)}")
        request = urllib.request.Request(
            url, data=data, headers={"Accept": "application/sparql-results+json"}
        )
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(request, timeout=5) as response,
        ):
            if "boolean" in json.loads(response.read()):
                return
        time.sleep(0.25)
    raise RuntimeError(f"{url}: no answer within {READY_SECONDS} s: {_tail(log)}")


def ctrl_c_reaches_it() -> None:
    """`preexec_fn` of a child that a test stops with SIGINT (Ctrl-C): SIGINT's default action
    in it, even when the test run itself was started in the background (a shell starts
    background jobs with SIGINT ignored, and children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_pid(process: subprocess.Popen) -> None:
    """Stop the process we started, by its PID: SIGTERM, then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)


def _tail(log: Path) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-5:])
    except OSError:
        return "(no log)"


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@contextlib.contextmanager
def start_oxigraph(folder: Path):
    """A read-write Oxigraph server (PyPI `oxigraph`): SPARQL at /query, GSP at /store."""
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("oxigraph")
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_sparql(f"{base}/query", process, log)
        yield Server("oxigraph-server", f"{base}/query", f"{base}/store", None, process.pid)
    finally:
        stop_pid(process)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    if oxigraph_binary() is None:
        pytest.skip("the `oxigraph` command is missing: pip install oxigraph (in the test extra)")
    with start_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as server:
        yield server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = {dirs}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxMemPoolSize = 200000000
MaxQueryMem = 500M
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 5
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[VDB]
ArrayOptimization = 0
NumArrayParameters = 10
VDBDisconnectTimeout = 1000
KeepConnectionOnFixedThread = 0

[Replication]
ServerName = parley-test
ServerEnable = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 120
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
DeferInferenceRulesInit = 0
"""


def virtuoso_binaries() -> tuple[str, str] | None:
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (binary, isql) if binary and isql else None


@contextlib.contextmanager
def start_virtuoso(folder: Path, allow: tuple[Path, ...] = ()):
    """Virtuoso 7 with its own virtuoso.ini, listening on 127.0.0.1 only; it reads files in
    `folder` and in the folders `allow`s (DirsAllowed: for its bulk loader).

    SPARQL at /sparql; graph store at /sparql-graph-crud-auth with digest auth for the `dba`
    user, whose password is set to a fresh random one.
    """
    binaries = virtuoso_binaries()
    if binaries is None:
        raise FileNotFoundError("virtuoso-t")
    binary, isql = binaries
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    dirs = ", ".join(str(d) for d in (folder, *allow))
    ini.write_text(
        VIRTUOSO_INI.format(dir=folder, dirs=dirs, sql_port=sql_port, http_port=http_port)
    )
    log = folder / "virtuoso.log"
    with (folder / "stdout.log").open("wb") as out:
        process = subprocess.Popen(
            [binary, "+configfile", str(ini), "+foreground"],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{http_port}"
        wait_for_sparql(f"{base}/sparql", process, log)
        password = secrets.token_hex(12)
        # The new password goes through stdin, not argv.
        done = subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba"],
            input=f"user_set_password('dba', '{password}');\nexit;\n",
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"isql-vt failed: {done.stdout[-300:]} {done.stderr[-300:]}")
        yield Server(
            "virtuoso",
            f"{base}/sparql",
            f"{base}/sparql-graph-crud-auth",
            Credentials("dba", password, "test"),
            process.pid,
            f"127.0.0.1:{sql_port}",
        )
    finally:
        stop_pid(process)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    if virtuoso_binaries() is None:
        pytest.skip(
            "Virtuoso 7 is not installed (virtuoso-t/isql-vt missing): run "
            "scripts/ensure-virtuoso.sh, which `make test` calls, to apt-get install "
            "virtuoso-opensource-7-bin"
        )
    with start_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def kg_dir(tmp_path_factory) -> Path:
    """The built graph: the repository's kg/ when built, else built from seeds/ now."""
    kg = ROOT / "kg"
    if (kg / "parley.trig").exists():
        return kg
    from parley.builder.corpus import build

    out = tmp_path_factory.mktemp("kg")
    build(CORPUS, out)
    return out


@pytest.fixture(scope="session")
def loaded_oxigraph(oxigraph_server, kg_dir) -> Server:
    """The Oxigraph server holding the graphs of kg/ (loaded with `parley.load`)."""
    _load(oxigraph_server, kg_dir)
    return oxigraph_server


@pytest.fixture(scope="session")
def loaded_virtuoso(virtuoso_server, kg_dir) -> Server:
    """Virtuoso holding the graphs of kg/ (loaded with `parley.load`)."""
    _load(virtuoso_server, kg_dir)
    return virtuoso_server


def _load(server: Server, kg: Path) -> None:
    from parley.stores import load

    with pytest.MonkeyPatch.context() as patch:
        for name, value in server.env().items():
            patch.setenv(name, value)
        result = load.load_graphs(load.load_plan(kg), server.query_url, server.store_url)
    assert not result.mismatches, result.mismatches
