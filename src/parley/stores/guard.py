"""A small read-only, limiting reverse proxy in front of `oxigraph serve-read-only`.

Oxigraph has a query timeout (`--timeout-s`) but no limit on the size of a result, and when its
timeout fires it ends a `200 OK` answer with a line of text, which leaves the client with
broken JSON. `parley serve` therefore runs Oxigraph on a private loopback port and answers
through this proxy, which:

- forwards only queries (`GET`/`POST /query`) and the query UI (`GET /`); any update, Graph
  Store request or other method gets `403 Forbidden`;
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_REQUEST_BYTES = 1_000_000  # a query larger than this is refused (413)
READ_PIECE = 65_536
# How Oxigraph ends a streamed answer when its own --timeout-s fires.
OXIGRAPH_CANCELLED = b"operation has been cancelled"
UPDATE_TYPES = ("application/sparql-update",)


@dataclass(frozen=True)
class Limits:
    timeout: float = 30.0  # seconds per query, from the first byte sent to the last received
    max_bytes: int = 10_000_000  # largest result relayed, in bytes


class Refusal(Exception):
    """An answer the proxy gives itself: status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class GuardServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], upstream: tuple[str, int], limits: Limits):
        super().__init__(address, GuardHandler)
        self.upstream, self.limits = upstream, limits

    def handle_error(self, request, client_address) -> None:
        pass  # a client that went away; nothing to report


class GuardServer6(GuardServer):
    address_family = socket.AF_INET6


class GuardHandler(BaseHTTPRequestHandler):
    server: GuardServer
    server_version = "parley-serve"
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args) -> None:
        pass  # quiet: queries may hold text the user does not want in a terminal log

    def do_GET(self) -> None:
        self._handle(with_body=True)

    def do_HEAD(self) -> None:
        self._handle(with_body=False)

    def do_POST(self) -> None:
        self._handle(with_body=True)

    def _refuse_write(self) -> None:
        self._answer(403, "parley serve is read-only: only queries are answered, at /query")

    do_PUT = do_DELETE = do_PATCH = _refuse_write

    def _handle(self, with_body: bool) -> None:
        try:
            body = self._check()
            status, headers, answer = self._forward(body)
        except Refusal as refusal:
            self._answer(refusal.status, refusal.message)
            return
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if with_body:
            self.wfile.write(answer)

    def _check(self) -> bytes:
        """The request body, once the request is known to be a query (else `Refusal`)."""
        parts = urllib.parse.urlsplit(self.path)
        fields = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        if parts.path == "/" and self.command in ("GET", "HEAD") and not fields:
            return b""
        if parts.path != "/query":
            if parts.path in ("/update", "/store") or self.command == "POST":
                raise Refusal(
                    403, "parley serve is read-only: only queries are answered, at /query"
                )
            raise Refusal(404, "not found: the SPARQL endpoint is /query, the query UI is /")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            raise Refusal(413, f"the request is larger than {MAX_REQUEST_BYTES} bytes")
        body = self.rfile.read(length) if length else b""
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind in UPDATE_TYPES:
            raise Refusal(403, "parley serve is read-only: SPARQL updates are refused")
        if kind == "application/x-www-form-urlencoded":
            fields.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
        if "update" in fields:
            raise Refusal(403, "parley serve is read-only: SPARQL updates are refused")
        return body

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        limits = self.server.limits
        deadline = time.monotonic() + limits.timeout
        host, port = self.server.upstream
        conn = http.client.HTTPConnection(host, port, timeout=limits.timeout)
        headers = {
            name: value
            for name in ("Accept", "Content-Type", "Accept-Language")
            if (value := self.headers.get(name)) is not None
        }
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            sock = conn.sock  # kept: the connection drops its reference once the answer comes
            response = conn.getresponse()
            pieces, size = [], 0
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                sock.settimeout(remaining)
                piece = response.read1(READ_PIECE) if self.command != "HEAD" else b""
                if not piece:
                    break
                size += len(piece)
                if size > limits.max_bytes:
                    raise Refusal(
                        507,
                        f"parley serve: the result is larger than the limit of "
                        f"{limits.max_bytes} bytes and was cut off — add LIMIT or narrow the "
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

    def _answer(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


@contextlib.contextmanager
def guarding(
    host: str, port: int, upstream: tuple[str, int], limits: Limits
) -> Iterator[GuardServer]:
    """Run the proxy on `host:port` in a background thread until the block ends."""
    host = host.strip("[]")
    kind = GuardServer6 if ":" in host else GuardServer
    server = kind((host, port), upstream, limits)
    thread = threading.Thread(target=server.serve_forever, name="parley-guard", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
