"""A local stand-in for Wikidata (test double): MediaWiki API and Reconciliation API v0.2.

Answers from tests/data/wikidata/{entities,search}.json in Wikidata's JSON formats:
`GET /w/api.php?action=wbsearchentities|wbgetentities`, `GET /reconcile` (manifest) and
`POST /reconcile` (queries). `script` holds canned answers (status, headers, body, delay) served
before the normal ones, for 429, 5xx, slow and malformed answers, and hostile ones: an answer
trickled one byte at a time (`trickle`, headers too with `trickle_headers`; `hung_up` is set when
the client closes the connection before the end), the request's headers echoed (`echo`), and
the bodies of `gzip_bomb` and `nested_json`. Binds 127.0.0.1 on a free port; speaks HTTPS
when given `tls=(certificate file, key file)`.
"""

from __future__ import annotations

import gzip
import json
import ssl
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).parent / "data" / "wikidata"


@dataclass
class Canned:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    trickle: float = 0.0  # seconds between single bytes of the body
    trickle_headers: bool = False  # the status line and headers trickle too
    echo: bool = False  # the body is the request's headers, as text


def gzip_bomb(inflated: int) -> bytes:
    """A gzip stream of `inflated` bytes of JSON (spaces, then `{}`): about 1/1000 of that."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * 2**20
    parts = [packer.compress(chunk) for _ in range(inflated // len(chunk))]
    tail = packer.compress(b" " * (inflated % len(chunk)) + b"{}")
    return b"".join([*parts, tail, packer.flush()])


def nested_json(depth: int) -> bytes:
    """A valid JSON document of lists nested `depth` deep."""
    return b"[" * depth + b"]" * depth


@dataclass
class Seen:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        """A client that gave up (timeout tests) closes the socket: nothing to report."""


class FakeWikidata:
    """Start with `with FakeWikidata() as wd:`; `wd.api` and `wd.reconcile` are the URLs."""

    def __init__(self, gzip_answers: bool = False, tls: tuple[Path, Path] | None = None):
        self.entities = json.loads((DATA / "entities.json").read_text(encoding="utf-8"))
        self.search = json.loads((DATA / "search.json").read_text(encoding="utf-8"))
        self.script: list[Canned] = []
        self.seen: list[Seen] = []
        self.gzip_answers = gzip_answers
        self.tls = tls
        self.hung_up = threading.Event()  # a client closed the connection mid-trickle
        self.trickled = 0  # bytes of trickled answers sent
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    @property
    def api(self) -> str:
        return self.base + "/w/api.php"

    @property
    def reconcile(self) -> str:
        return self.base + "/reconcile"

    def start(self) -> FakeWikidata:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                fake.handle(self, "GET")

            def do_POST(self):
                fake.handle(self, "POST")

        server = QuietServer(("127.0.0.1", 0), Handler)
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*map(str, self.tls))
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self.server = server
        self.thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> FakeWikidata:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- request handling --------------------------------------------------------------------

    def handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        url = urllib.parse.urlsplit(req.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        if method == "POST":
            length = int(req.headers.get("Content-Length") or 0)
            params.update(urllib.parse.parse_qsl(req.rfile.read(length).decode("utf-8")))
        with self.lock:
            self.seen.append(Seen(method, url.path, params, dict(req.headers.items())))
            canned = self.script.pop(0) if self.script else None
        if canned is not None:
            time.sleep(canned.delay)
            if canned.echo:
                text = "".join(f"{k}: {v}\n" for k, v in req.headers.items())
                canned = Canned(canned.status, canned.headers, text.encode("utf-8"))
            if canned.trickle:
                self._trickle(req, canned)
            else:
                self._send(req, canned.status, canned.body, canned.headers)
            return
        if url.path == "/w/api.php" and method == "GET":
            body = self._api(params)
        elif url.path == "/reconcile" and "queries" in params:
            body = self._reconcile(json.loads(params["queries"]))
        elif url.path == "/reconcile":
            body = MANIFEST
        else:
            self._send(req, 404, b"not found", {"Content-Type": "text/plain"})
            return
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(req, 200, data, {"Content-Type": "application/json; charset=utf-8"})

    def _send(self, req, status: int, data: bytes, headers: dict[str, str]) -> None:
        if self.gzip_answers and status == 200:
            data = gzip.compress(data)
            headers = {**headers, "Content-Encoding": "gzip"}
        req.send_response(status)
        for name, value in headers.items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    def _trickle(self, req, canned: Canned) -> None:
        """Send the answer one byte every `canned.trickle` seconds until done or hung up on."""
        lines = [f"HTTP/1.0 {canned.status} {HTTPStatus(canned.status).phrase}"]
        lines += [f"{k}: {v}" for k, v in canned.headers.items()]
        lines += [f"Content-Length: {len(canned.body)}", "", ""]
        head = "\r\n".join(lines).encode("latin-1")
        slow = head + canned.body if canned.trickle_headers else canned.body
        req.close_connection = True
        try:
            if not canned.trickle_headers:
                req.wfile.write(head)
            for index in range(len(slow)):
                req.wfile.write(slow[index : index + 1])
                with self.lock:
                    self.trickled += 1
                time.sleep(canned.trickle)
        except OSError:
            self.hung_up.set()

    def _api(self, params: dict[str, str]) -> dict:
        action = params.get("action")
        if action == "wbsearchentities":
            return self._search(params)
        if action == "wbgetentities":
            return self._get(params)
        return {
            "error": {
                "code": "badvalue",
                "info": f'Unrecognized value for parameter "action": {action}.',
            },
            "servedby": "fake",
        }

    def _hits(self, text: str) -> list[str]:
        for key, qids in self.search.items():
            if key.casefold() == text.strip().casefold():
                return qids
        return []

    def _search(self, params: dict[str, str]) -> dict:
        lang = params.get("language", "en")
        limit = int(params.get("limit", "7"))
        text = params.get("search", "")
        results = []
        for qid in self._hits(text)[:limit]:
            e = self.entities[qid]
            label = e["labels"].get(lang, {}).get("value", "")
            description = e["descriptions"].get(lang, {}).get("value", "")
            aliases = [a["value"] for a in e["aliases"].get(lang, [])]
            hit = {
                "id": qid,
                "title": qid,
                "pageid": e["pageid"],
                "display": {
                    "label": {"value": label, "language": lang},
                    "description": {"value": description, "language": lang},
                },
                "repository": "wikidata",
                "url": f"//www.wikidata.org/wiki/{qid}",
                "concepturi": f"http://www.wikidata.org/entity/{qid}",
                "label": label,
                "description": description,
                "match": {"type": "label", "language": lang, "text": label},
            }
            if aliases:
                hit["aliases"] = aliases
            results.append(hit)
        return {"searchinfo": {"search": text}, "search": results, "success": 1}

    def _get(self, params: dict[str, str]) -> dict:
        props = params.get("props", "info|sitelinks|aliases|labels|descriptions|claims").split("|")
        languages = params.get("languages", "").split("|") if params.get("languages") else None
        out = {}
        for qid in params.get("ids", "").split("|"):
            e = self.entities.get(qid)
            if e is None:
                out[qid] = {"id": qid, "missing": ""}
                continue
            item = {"type": e["type"], "id": qid}
            for prop in ("labels", "descriptions", "aliases", "claims", "sitelinks"):
                if prop in props:
                    value = e[prop]
                    if languages and prop in ("labels", "descriptions", "aliases"):
                        value = {k: v for k, v in value.items() if k in languages}
                    item[prop] = value
            out[qid] = item
        return {"entities": out, "success": 1}

    def _reconcile(self, queries: dict) -> dict:
        out = {}
        for key, q in queries.items():
            results = []
            for rank, qid in enumerate(self._hits(q["query"])[: int(q.get("limit", 10))]):
                e = self.entities[qid]
                types = [
                    c["mainsnak"]["datavalue"]["value"]["id"] for c in e["claims"].get("P31", [])
                ]
                if q.get("type") and q["type"] not in types:
                    continue
                label = e["labels"].get("en", {}).get("value", "")
                exact = label.casefold() == q["query"].casefold()
                results.append(
                    {
                        "id": qid,
                        "name": label,
                        "description": e["descriptions"].get("en", {}).get("value", ""),
                        "type": [
                            {
                                "id": t,
                                "name": self.entities.get(t, {})
                                .get("labels", {})
                                .get("en", {})
                                .get("value", t),
                            }
                            for t in types
                        ],
                        "score": (100 if exact else 60) - rank,
                        "match": False,
                    }
                )
            out[key] = {"result": results}
        return out


MANIFEST = {
    "versions": ["0.1", "0.2"],
    "name": "Fake Wikidata reconciliation (tests)",
    "identifierSpace": "http://www.wikidata.org/entity/",
    "schemaSpace": "http://www.wikidata.org/prop/direct/",
    "defaultTypes": [{"id": "Q35120", "name": "entity"}],
    "view": {"url": "https://www.wikidata.org/wiki/{{id}}"},
}
