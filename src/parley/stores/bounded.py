"""Limits on what a server can make an HTTP client do: time in all, JSON nesting.

Shared by the SPARQL client (`stores.endpoint`) and the Wikidata client (`link.wikidata`). A
socket timeout bounds each read only, so a server trickling a byte at a time would hold a client
for as long as it likes: `Deadline` shuts the sockets of an exchange when its time is up,
whatever the phase (connect, send, headers, body), and says so. `parse_json` refuses a document
nested deeper than any answer these clients read (Python's parser would raise `RecursionError`).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.request

MAX_DEPTH = 100  # JSON nesting: Wikidata's entities are 11 deep, SPARQL results 4


class TimeUp(TimeoutError):
    """An exchange took longer than its deadline in all."""


class Deadline:
    """A time limit in all for one exchange: `with Deadline(s) as limit: limit.open(request)`.

    When the time is up, the sockets opened through `open` are shut, which ends any read or
    write in progress, and leaving the `with` block raises `TimeUp` (whatever the block raised
    or returned: an answer cut short by the deadline is no answer).
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()
        if self.expired:
            raise TimeUp(f"no complete answer within {self.seconds:g} s") from None

    def open(self, request: urllib.request.Request, *handlers: urllib.request.BaseHandler):
        """`urlopen(request)` through this deadline's sockets (plus `handlers`)."""
        opener = urllib.request.build_opener(_Http(self), _Https(self), *handlers)
        return opener.open(request, timeout=self.seconds)

    def connection(self, http_class):
        """`http_class` (an `http.client` connection) whose sockets this deadline can shut."""

        def make(host, **kwargs):
            conn = http_class(host, **kwargs)
            conn._create_connection = self._connect
            return conn

        return make

    def _connect(self, address, timeout, *args, **kwargs) -> socket.socket:
        sock = socket.create_connection(address, timeout, *args, **kwargs)
        with self._lock:
            # A descriptor of its own on the same connection: TLS takes `sock` over, and
            # urllib closes it before the body is read.
            self._sockets.append(sock.dup())
            if self.expired:
                _shut(self._sockets[-1])
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # closed meanwhile: nothing left to stop
        sock.shutdown(socket.SHUT_RDWR)


class _Deadlined:
    """A urllib handler whose connections `limit` can shut."""

    def __init__(self, limit: Deadline):
        super().__init__()
        self._limit = limit

    def do_open(self, http_class, req, **kwargs):
        return super().do_open(self._limit.connection(http_class), req, **kwargs)


class _Http(_Deadlined, urllib.request.HTTPHandler):
    pass


class _Https(_Deadlined, urllib.request.HTTPSHandler):
    pass


def parse_json(raw: bytes, max_depth: int = MAX_DEPTH) -> object:
    """The JSON document in `raw` (UTF-8); `ValueError` when it is not one or is too deep."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except RecursionError:
        value = None
        deepest = max_depth + 1
    else:
        deepest = _depth(value, max_depth)
    if deepest > max_depth:
        raise ValueError(f"nested deeper than {max_depth} levels")
    return value


def _depth(value: object, limit: int) -> int:
    """How deep `value` nests lists and objects, counting stops past `limit` (no recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        node, depth = todo.pop()
        if not isinstance(node, dict | list):
            continue
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node
        todo += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return deepest
