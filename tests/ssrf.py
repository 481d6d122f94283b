"""What the federation and `parley serve` attack tests share: listeners on 127.0.0.1 and the
queries that try to make Parley reach them.

- `Canary`: a real listening socket that counts every connection it receives. A test points
  its attacks at it and asserts that it received none: no request left Parley.
- `FakeSparql`: a small SPARQL endpoint (test double for a remote service such as Wikidata)
  that answers every query with one row, `?x = "from the remote service"`: federation, when
  allowed, works.
- `service_attacks(url)` / `dataset_attacks(url, file_url)`: the queries.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REMOTE_VALUE = "from the remote service"
SECRET = "canary-secret-7f3a"  # in the file that FROM <file:…> must not read


class Canary:
    """A socket on 127.0.0.1 that accepts and counts connections until closed."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.first_lines: list[bytes] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str = "sparql") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    self.first_lines.append(conn.recv(200).split(b"\r\n")[0])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() it is blocked in
        self.sock.close()
        self._thread.join(timeout=5)


class _SparqlHandler(BaseHTTPRequestHandler):
    server: FakeSparql

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self) -> None:
        self.server.requests += 1
        body = json.dumps(
            {
                "head": {"vars": ["x"]},
                "results": {"bindings": [{"x": {"type": "literal", "value": REMOTE_VALUE}}]},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FakeSparql(ThreadingHTTPServer):
    """A SPARQL endpoint on 127.0.0.1 answering one row to every query; `requests` counts."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SparqlHandler)
        self.requests = 0
        self.port = self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def close(self) -> None:
        self.shutdown()
        self.server_close()


def service_attacks(url: str) -> list[tuple[str, str]]:
    """(name, query) pairs that each try to make the engine call `url` through SERVICE."""
    parts = urllib.parse.urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}/"
    port = parts.port
    escaped = url.replace(":", "\\u003a", 2).replace("\\u003a", ":", 1)  # the port's colon
    body = "{ ?s ?p ?o }"
    return [
        ("plain", f"SELECT * WHERE {{ SERVICE <{url}> {body} }}"),
        ("silent", f"SELECT * WHERE {{ SERVICE SILENT <{url}> {body} }}"),
        ("lower case", f"SELECT * WHERE {{ service silent <{url}> {body} }}"),
        ("mixed case", f"SELECT * WHERE {{ SeRvIcE <{url}> {body} }}"),
        ("no spaces", f"SELECT * WHERE {{SERVICE<{url}>{{?s ?p ?o}}}}"),
        ("newlines and tabs", f"SELECT * WHERE {{\n\tSERVICE\n\t<{url}>\n\t{body}\n}}"),
        ("comment inside", f"SELECT * WHERE {{ SERVICE # hidden?\n <{url}> {body} }}"),
        ("prefixed name", f"PREFIX c: <{base}> SELECT * WHERE {{ SERVICE c:sparql {body} }}"),
        ("BASE and relative IRI", f"BASE <{base}> SELECT * WHERE {{ SERVICE <sparql> {body} }}"),
        (
            "variable from VALUES",
            f"SELECT * WHERE {{ VALUES ?svc {{ <{url}> }} SERVICE ?svc {body} }}",
        ),
        (
            "variable from BIND",
            f'SELECT * WHERE {{ BIND(IRI("{url}") AS ?svc) SERVICE ?svc {body} }}',
        ),
        ("in OPTIONAL", f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {body} }} }}"),
        ("in UNION", f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ SERVICE <{url}> {body} }} }}"),
        ("in MINUS", f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {body} }} }}"),
        ("in GRAPH", f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {body} }} }}"),
        (
            "in a subquery",
            f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {body} }} }} }}",
        ),
        (
            "in FILTER EXISTS",
            f"SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{url}> {body} }} }}",
        ),
        ("keyword as \\u escapes", f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {body} }}"),
        ("IRI with a \\u escape", f"SELECT * WHERE {{ SERVICE <{escaped}> {body} }}"),
        (
            "newline escape ends a comment",
            f"SELECT * WHERE {{ # \\u000a SERVICE <{url}> {body}\n}}",
        ),
        (
            "less-than read as an IRI",
            f"SELECT * WHERE {{ ?a ?b ?c FILTER(?a<?b)SERVICE?svc#>\n{body} "
            f"VALUES ?svc {{ <{url}> }} }}",
        ),
        ("localhost", f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/sparql> {body} }}"),
        ("https", f"SELECT * WHERE {{ SERVICE <https://127.0.0.1:{port}/sparql> {body} }}"),
        ("two services", f"SELECT * WHERE {{ SERVICE <{url}> {body} SERVICE <{url}x> {body} }}"),
        ("ASK", f"ASK {{ SERVICE <{url}> {body} }}"),
        ("CONSTRUCT", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {body} }}"),
        ("DESCRIBE", f"DESCRIBE ?s WHERE {{ SERVICE <{url}> {body} }}"),
        (
            "in LATERAL (Oxigraph's, which rdflib cannot parse)",
            f"SELECT * WHERE {{ ?a ?b ?c LATERAL {{ SERVICE <{url}> {body} }} }}",
        ),
        ("file scheme", f"SELECT * WHERE {{ SERVICE <file:///etc/passwd> {body} }}"),
    ]


SELECT_ATTACKS = ("ASK", "CONSTRUCT", "DESCRIBE")  # not SELECT: `parley sparql` refuses them


def dataset_attacks(url: str, file_url: str) -> list[tuple[str, str]]:
    """(name, query) pairs whose FROM / FROM NAMED name `url` or the file `file_url`: they may
    run, over the store's graphs only; nothing is fetched or read."""
    return [
        ("FROM http", f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"),
        ("FROM NAMED http", f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("FROM file", f"SELECT * FROM <{file_url}> WHERE {{ ?s ?p ?o }}"),
        (
            "FROM NAMED file",
            f"SELECT * FROM NAMED <{file_url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        ),
        (
            "FROM both",
            f"SELECT * FROM <{url}> FROM NAMED <{file_url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        ),
    ]


def secret_file(folder) -> str:
    """A Turtle file holding SECRET; its file: URL."""
    path = folder / "secret.ttl"
    path.write_text(f'<urn:x:s> <urn:x:p> "{SECRET}" .\n', encoding="utf-8")
    return path.resolve().as_uri()
