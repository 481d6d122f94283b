"""A small read-only, limiting reverse proxy in front of `oxigraph serve-read-only`.

Oxigraph has a query timeout (`--timeout-s`) but no limit on the size of a result, and when its
timeout fires it ends a `200 OK` answer with a line of text, which leaves the client with
broken JSON; it also sends `SERVICE` clauses wherever they point and answers any caller.
`parley serve` therefore runs Oxigraph on a private loopback port and answers through this
proxy, which:

- answers only requests that name this server and do not come from another site
  (`stores.callers`), a bounded number at a time, each within a deadline (`stores.connections`);
- forwards only queries (`GET`/`POST /query`, and `/sparql`, YASGUI's habit), the query UI
  (`/`, `stores.serveui`) and YASGUI's files; any update, Graph Store request or other
  method gets `403 Forbidden`;
- checks each query's `SERVICE` clauses (`stores.federation`: `400` unless the host is
  allowed), and sends Oxigraph the query it checked, in a request of its own making, over
  the union of all graphs unless the query or the request names its dataset;
- gives each query `timeout` seconds in all, then answers `504 Gateway Timeout`;
- reads at most `max_bytes` of a result, then answers `507 Insufficient Storage`;
- relays a complete answer (with its Content-Length) only when it is within both limits, so a
  client never receives a truncated result that looks whole.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from parley.model.errors import UsageError
from parley.stores import serveui
from parley.stores.callers import Callers
from parley.stores.connections import ANSWER_SECONDS, REQUEST_SECONDS, BoundedServer
from parley.stores.federation import OFF, Federation, check_services
from parley.stores.sparqltext import names_dataset

MAX_REQUEST_BYTES = 1_000_000  # a query larger than this is refused (413)
ASSET_BYTES = 20_000_000  # YASGUI's files are about 1 MB
CHECKED_CHARS = 10_000  # longest query that names SERVICE the guard parses to check it
READ_PIECE = 65_536
# How Oxigraph ends a streamed answer when its own --timeout-s fires.
OXIGRAPH_CANCELLED = b"operation has been cancelled"
UPDATE_TYPES = ("application/sparql-update",)
FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
QUERY_PATHS = ("/query", "/sparql")
DATASET_FIELDS = ("default-graph-uri", "named-graph-uri")
READ_ONLY = "parley serve is read-only: only queries are answered, at /query"


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds per query, from the first byte sent to the last received
    max_bytes: int = 10_000_000  # largest result relayed, in bytes


@dataclass(frozen=True)
class Upstream:
    """A request for the Oxigraph server: the one the guard checked, made afresh."""

    method: str
    path: str
    body: bytes | None = None
    kind: str | None = None
    max_bytes: int | None = ASSET_BYTES  # None: the result limit of `Limits`


class Refusal(Exception):
    """An answer the proxy gives itself: status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class GuardServer(BoundedServer):
    def __init__(
        self,
        address: tuple[str, int],
        upstream: tuple[str, int],
        limits: Limits,
        federation: Federation = OFF,
        ui_script: bytes = b"",
    ):
        super().__init__(address, GuardHandler)
        self.upstream, self.limits, self.federation = upstream, limits, federation
        self.callers = Callers(address[0], self.server_address[1])
        self.ui_script = ui_script or serveui.script(())


class GuardServer6(GuardServer):
    address_family = socket.AF_INET6


class GuardHandler(BaseHTTPRequestHandler):
    server: GuardServer
    server_version = "parley-serve"
    protocol_version = "HTTP/1.0"
    timeout = REQUEST_SECONDS  # between two pieces of the request; the server bounds the whole

    def log_message(self, format, *args) -> None:
        pass  # quiet: queries may hold text the user does not want in a terminal log

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_POST = do_GET

    def _refuse_write(self) -> None:
        self._answer(403, READ_ONLY)

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def _handle(self) -> None:
        try:
            refusal = self.server.callers.refusal(self.headers)
            if refusal is not None:
                raise Refusal(*refusal)
            upstream = self._check()
            if isinstance(upstream, bytes):  # the UI's own page or script
                status, headers, answer = 200, [], upstream
            else:
                status, headers, answer = self._forward(upstream)
        except Refusal as refusal:
            self._answer(refusal.status, refusal.message)
            return
        self.send_response(status)
        kind = next((v for n, v in headers if n.lower() == "content-type"), None)
        self._send_headers(kind or _own_type(urllib.parse.urlsplit(self.path).path), len(answer))
        if self.command != "HEAD":
            self.wfile.write(answer)

    def _check(self) -> Upstream | bytes:
        """What to answer with, once the request is known to be allowed (else `Refusal`)."""
        path = urllib.parse.urlsplit(self.path).path
        if self.command in ("GET", "HEAD"):
            if path == "/":
                return serveui.page()
            if path == serveui.SCRIPT:
                return self.server.ui_script
            if path in serveui.ASSETS:
                return Upstream("GET", path)
        if path not in QUERY_PATHS:
            if path in ("/update", "/store") or self.command == "POST":
                raise Refusal(403, READ_ONLY)
            raise Refusal(404, "not found: the SPARQL endpoint is /query, the query UI is /")
        query, dataset = self._query()
        try:
            check_services(query, self.server.federation, CHECKED_CHARS)
        except UsageError as exc:
            raise Refusal(400, f"parley serve: {exc}") from None
        self.server.give(self.connection, self.server.limits.timeout + ANSWER_SECONDS)
        self.connection.settimeout(self.server.limits.timeout + ANSWER_SECONDS)
        if not dataset and not names_dataset(query):  # the union, unless the query picks
            dataset = [("union-default-graph", "")]
        target = f"/query?{urllib.parse.urlencode(dataset)}"
        return Upstream("POST", target, query.encode("utf-8"), QUERY_TYPE, max_bytes=None)

    def _query(self) -> tuple[str, list[tuple[str, str]]]:
        """The one query of the request, and the dataset it names; `Refusal` for updates."""
        fields = urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query, True)
        length = (self.headers.get("Content-Length") or "0").strip()
        if not length.isdigit():
            raise Refusal(400, "parley serve: the Content-Length header is not a number")
        if int(length) > MAX_REQUEST_BYTES:
            raise Refusal(413, f"the request is larger than {MAX_REQUEST_BYTES} bytes")
        body = self.rfile.read(int(length)) if int(length) else b""
        kind, _, params = (self.headers.get("Content-Type") or "").partition(";")
        kind = kind.strip().lower()
        if kind in UPDATE_TYPES:
            raise Refusal(403, "parley serve is read-only: SPARQL updates are refused")
        charset = params.lower().replace(" ", "").partition("charset=")[2].strip("\"'")
        if charset and charset.split(";")[0] not in ("utf-8", "utf8"):
            raise Refusal(415, "parley serve: send the query in UTF-8")
        texts = [value for name, value in fields if name == "query"]
        if self.command == "POST" and kind == FORM:
            fields += urllib.parse.parse_qsl(body.decode("utf-8", "replace"), True)
            texts = [value for name, value in fields if name == "query"]
        elif self.command == "POST" and kind == QUERY_TYPE:
            texts.append(body.decode("utf-8", "replace"))
        elif self.command == "POST":
            raise Refusal(415, f"parley serve: POST a query as {QUERY_TYPE} or as a {FORM} form")
        if any(name == "update" for name, _ in fields):
            raise Refusal(403, "parley serve is read-only: SPARQL updates are refused")
        if len(texts) != 1:
            raise Refusal(400, "parley serve: send exactly one query (the `query` parameter)")
        return texts[0], [(name, value) for name, value in fields if name in DATASET_FIELDS]

    def _forward(self, upstream: Upstream) -> tuple[int, list[tuple[str, str]], bytes]:
        limits = self.server.limits
        max_bytes = upstream.max_bytes or limits.max_bytes
        deadline = time.monotonic() + limits.timeout
        host, port = self.server.upstream
        conn = http.client.HTTPConnection(host, port, timeout=limits.timeout)
        headers = {"Host": f"{host}:{port}"}
        if upstream.kind:
            headers["Content-Type"] = upstream.kind
        for name in ("Accept", "Accept-Language"):
            if (value := self.headers.get(name)) is not None:
                headers[name] = value
        try:
            conn.request(upstream.method, upstream.path, body=upstream.body, headers=headers)
            sock = conn.sock  # kept: the connection drops its reference once the answer comes
            response = conn.getresponse()
            pieces, size = [], 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                piece = response.read1(READ_PIECE)
                if not piece:
                    break
                size += len(piece)
                if size > max_bytes:
                    raise Refusal(
                        507,
                        f"parley serve: the result is larger than the limit of "
                        f"{max_bytes} bytes and was cut off — add LIMIT or narrow the "
                        "query (parley serve --max-result-bytes)",
                    )
                pieces.append(piece)
            answer = b"".join(pieces)
            if response.status == 200 and OXIGRAPH_CANCELLED in answer[-200:]:
                raise TimeoutError
            return response.status, response.getheaders(), answer
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError) or time.monotonic() >= deadline:
                raise Refusal(
                    504,
                    f"parley serve: the query ran longer than the limit of {limits.timeout:g} s "
                    "and was stopped — narrow it or add LIMIT (parley serve --timeout)",
                ) from None
            raise Refusal(502, "parley serve: the Oxigraph server did not answer") from None
        finally:
            conn.close()  # also stops Oxigraph streaming a result nobody will read

    def _send_headers(self, kind: str, length: int) -> None:
        """Content type and length, and what keeps browsers from misusing the answer."""
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Content-Security-Policy", serveui.POLICY)
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()

    def _answer(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self._send_headers("text/plain; charset=utf-8", len(data))
        if self.command != "HEAD":
            self.wfile.write(data)


def _own_type(path: str) -> str:
    if path.endswith(".js"):
        return "text/javascript; charset=utf-8"
    return "text/html; charset=utf-8"


@contextlib.contextmanager
def guarding(
    host: str,
    port: int,
    upstream: tuple[str, int],
    limits: Limits,
    federation: Federation = OFF,
    ui_script: bytes = b"",
) -> Iterator[GuardServer]:
    """Run the proxy on `host:port` in a background thread until the block ends."""
    host = host.strip("[]")
    kind = GuardServer6 if ":" in host else GuardServer
    server = kind((host, port), upstream, limits, federation, ui_script)
    thread = threading.Thread(target=server.serve_forever, name="parley-guard", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
