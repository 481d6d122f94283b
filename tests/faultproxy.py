"""A fault-injecting HTTP proxy on 127.0.0.1 for the tests: forwards to a real server, or not.

Not a test module. `FaultProxy(upstream, plan)` listens on a free loopback port; for each
request it asks `plan(n, method, path, body)` (n counts from 1) what to do:

- `Pass()`: forward and relay the answer;
- `Status(code, retry_after, text)`: answer `code` itself (the request never reaches the server);
- `DropBefore()`: close the connection without an answer, before forwarding;
- `DropAfter()`: forward (the server applies the request), then close without an answer;
- `Late(seconds)`: forward, then wait before answering (a slow or timed-out answer);
- `Trickle(seconds)`: forward, then send the answer in 64-byte pieces with a pause between;
- `Garbage()`: answer with a line that is not HTTP, then close;
- `Truncated()`: forward, then send the headers and only half of the body, then close.

Hostile to credentials:

- `Demand(scheme, then)`: answer 401 with a Basic or Digest challenge to a request without an
  Authorization header; act as `then` on a signed one;
- `Echo(code, into)`: forward a request without an Authorization header (so the server's own
  challenge comes back); answer a signed one with `code` and its headers echoed `into` the body
  (`"body"` as text, `"json"`), the reason phrase (`"reason"`), or a status line that is the
  Authorization header itself (`"status"`: not HTTP);
- `Redirect(location, code)`: answer `code` (303) with `Location: location`.

Every request is recorded in `log` (number, method, path, action name, request body, the
Authorization header it carried).
"""

from __future__ import annotations

import http.client
import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Pass:
    pass


@dataclass(frozen=True)
class Status:
    code: int
    retry_after: str | None = None
    text: str = ""  # the body; "injected CODE" when empty


@dataclass(frozen=True)
class DropBefore:
    pass


@dataclass(frozen=True)
class DropAfter:
    pass


@dataclass(frozen=True)
class Late:
    seconds: float


@dataclass(frozen=True)
class Trickle:
    seconds: float  # pause between 64-byte pieces


@dataclass(frozen=True)
class Garbage:
    pass


@dataclass(frozen=True)
class Truncated:
    pass


@dataclass(frozen=True)
class Echo:
    code: int = 400
    into: str = "body"  # body, json, reason, status


@dataclass(frozen=True)
class Redirect:
    location: str
    code: int = 303


@dataclass(frozen=True)
class Demand:
    scheme: str  # Basic or Digest
    then: Echo | Redirect | Status


Action = (
    Pass | Status | DropBefore | DropAfter | Late | Trickle | Garbage | Truncated | Echo | Redirect
)


@dataclass(frozen=True)
class Seen:
    n: int
    method: str
    path: str
    action: str
    body: bytes
    authorization: str = ""


class FaultProxy:
    """A proxy to `upstream` ("127.0.0.1:PORT") that misbehaves as `plan` says."""

    def __init__(self, upstream: str, plan: Callable[[int, str, str, bytes], Action] | None = None):
        self.upstream = upstream
        self.plan = plan or (lambda n, method, path, body: Pass())
        self.log: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # clients that hung up
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _next(self, method: str, path: str, body: bytes, authorization: str) -> Action:
        with self._lock:
            n = len(self.log) + 1
            action = self.plan(n, method, path, body)
            self.log.append(Seen(n, method, path, type(action).__name__, body, authorization))
        return action

    def forward(self, method: str, path: str, headers, body: bytes):
        conn = http.client.HTTPConnection(self.upstream, timeout=120)
        keep = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
        conn.request(method, path, body=body or None, headers=keep)
        response = conn.getresponse()
        return response.status, response.reason, response.getheaders(), response.read()

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                signed = self.headers.get("Authorization") or ""
                action = proxy._next(self.command, self.path, body, signed)
                if isinstance(action, Demand):
                    if not signed:
                        self._challenge(action.scheme)
                        return
                    action = action.then
                if isinstance(action, Echo) and signed:
                    self._echo(action, signed)
                    return
                if isinstance(action, Redirect):
                    self.send_response(action.code)
                    self.send_header("Location", action.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if isinstance(action, DropBefore):
                    return  # the server closes the connection: no status line at all
                if isinstance(action, Garbage):
                    self.wfile.write(b"SPARQL OK PLEASE\r\n\r\n")
                    return
                if isinstance(action, Status):
                    text = (action.text or f"injected {action.code}\n").encode()
                    self.send_response(action.code)
                    if action.retry_after is not None:
                        self.send_header("Retry-After", action.retry_after)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(text)))
                    self.end_headers()
                    self.wfile.write(text)
                    return
                try:
                    status, reason, headers, answer = proxy.forward(
                        self.command, self.path, self.headers, body
                    )
                except OSError:
                    return  # upstream down: the client sees a dropped connection
                if isinstance(action, DropAfter):
                    return
                if isinstance(action, Late):
                    time.sleep(action.seconds)
                self.send_response(status, reason)
                for name, value in headers:
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                length = len(answer)
                if isinstance(action, Truncated):
                    length, answer = max(len(answer), 2), answer[: len(answer) // 2]
                self.send_header("Content-Length", str(length))
                self.end_headers()
                if isinstance(action, Trickle):
                    for start in range(0, len(answer), 64):
                        self.wfile.write(answer[start : start + 64])
                        self.wfile.flush()
                        time.sleep(action.seconds)
                else:
                    self.wfile.write(answer)

            def _challenge(self, scheme: str) -> None:
                if scheme == "Basic":
                    challenge = 'Basic realm="faultproxy"'
                else:
                    nonce = secrets.token_hex(16)
                    challenge = f'Digest realm="faultproxy", nonce="{nonce}", qop="auth"'
                self.send_response(401)
                self.send_header("WWW-Authenticate", challenge)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _echo(self, action: Echo, signed: str) -> None:
                if action.into == "status":
                    self.wfile.write(f"Authorization: {signed}\r\n\r\n".encode("latin-1"))
                    return
                headers = {"Authorization": signed, **dict(self.headers.items())}  # it first
                if action.into == "json":
                    text = json.dumps({"error": "refused", "request headers": headers})
                else:
                    text = "".join(f"{k}: {v}\n" for k, v in headers.items())
                data = text.encode("utf-8")
                reason = signed if action.into == "reason" else None
                self.send_response(action.code, reason)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

        return Handler


def form_query(body: bytes) -> str | None:
    """The `query` field of a form-encoded SPARQL request body, if any."""
    fields = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
    return fields.get("query", [None])[0]
